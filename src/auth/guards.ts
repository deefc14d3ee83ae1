import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/** The account of an admin key; any other caller gets 403. */
export function requireAdmin(c: Context<AppEnv>): string {
  const auth = c.var.auth;
  if (auth.kind === "admin") return auth.accountId;
  if (auth.kind === "integration") {
    throw new ApiError("FORBIDDEN", "Integration keys can only read events and attendees.");
  }
  throw new ApiError("FORBIDDEN", "The bootstrap token can only create accounts.");
}

export function requireBootstrap(c: Context<AppEnv>): void {
  if (c.var.auth.kind !== "bootstrap") {
    throw new ApiError("FORBIDDEN", "Only the bootstrap token can create accounts.");
  }
}
