import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import type { KeyScope } from "../lib/types";
import { type AccessScope, accountScope } from "../services/access";

/** The account of an admin key; any other caller gets 403. */
export function requireAdmin(c: Context<AppEnv>): string {
  const auth = c.get("auth");
  if (auth.kind === "admin") return auth.accountId;
  if (auth.kind === "integration") {
    throw new ApiError(
      "FORBIDDEN",
      "Integration keys may only read events and read or (with `attendees:write`) write attendees.",
    );
  }
  throw new ApiError("FORBIDDEN", "The bootstrap token can only create accounts.");
}

export function requireBootstrap(c: Context<AppEnv>): void {
  if (c.get("auth").kind !== "bootstrap") {
    throw new ApiError("FORBIDDEN", "Only the bootstrap token can create accounts.");
  }
}

/**
 * What the caller may reach for an operation that needs `scope` (src/services/access.ts): an
 * admin key its account; an integration key with that scope its integration's linked profiles;
 * anyone else 403.
 */
export function scopeFor(c: Context<AppEnv>, scope: KeyScope): AccessScope {
  const auth = c.get("auth");
  if (auth.kind === "admin") return accountScope(auth.accountId);
  if (auth.kind === "bootstrap") {
    throw new ApiError("FORBIDDEN", "The bootstrap token can only create accounts.");
  }
  if (!auth.scopes.includes(scope)) {
    throw new ApiError("FORBIDDEN", `This key does not have the \`${scope}\` scope.`);
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
