import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { accountScope, type ReaderScope } from "../services/access";

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

/** What the caller may read (src/services/access.ts); the bootstrap token reads nothing. */
export function readerScope(c: Context<AppEnv>): ReaderScope {
  const auth = c.var.auth;
  if (auth.kind === "admin") return accountScope(auth.accountId);
  if (auth.kind === "bootstrap") {
    throw new ApiError("FORBIDDEN", "The bootstrap token can only create accounts.");
  }
  return {
    accountId: auth.accountId,
    integrationId: auth.integrationId,
    grant: () => {
      if (auth.kind !== "integration" || !auth.grant) {
        throw new Error("an integration key's grant was read before its check ran");
      }
      return auth.grant;
    },
  };
}
