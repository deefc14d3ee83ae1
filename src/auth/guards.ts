import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import type { ReaderScope } from "../services/access";

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

/**
 * What the caller may read: an admin key reads its whole account; an integration key reads
 * the profiles linked to its integration, and only while `api_access` is on.
 */
export function readerScope(c: Context<AppEnv>): ReaderScope {
  const auth = c.var.auth;
  if (auth.kind === "admin") {
    return { accountId: auth.accountId, profileIds: null, integration: null };
  }
  if (auth.kind === "bootstrap") {
    throw new ApiError("FORBIDDEN", "The bootstrap token can only create accounts.");
  }
  // The integration and its links were read with the key (auth middleware).
  if (!auth.integration) throw new ApiError("UNAUTHORIZED", "Unknown key.");
  if (!auth.integration.apiAccess) {
    throw new ApiError("FORBIDDEN", "API access is turned off for this integration.");
  }
  return { accountId: auth.accountId, profileIds: auth.profileIds, integration: auth.integration };
}
