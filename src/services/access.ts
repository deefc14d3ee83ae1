import type { IntegrationRow } from "../db/queries/integrations";
import type { Auth } from "../env";
import { ApiError } from "../errors";

/**
 * What a caller may read: an admin key reads its whole account; an integration key reads
 * the profiles linked to its integration, and only while `api_access` is on.
 */
export type ReaderScope = {
  accountId: string;
  /** null: every profile of the account. */
  profileIds: string[] | null;
  /** The integration of an integration key (its mapping applies to attendee reads). */
  integration: IntegrationRow | null;
};

export function readerScope(auth: Auth): ReaderScope {
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

/** Whether a scope may see something of `profileId` (else the caller answers 404). */
export function canSeeProfile(scope: ReaderScope, profileId: string): boolean {
  return scope.profileIds === null || scope.profileIds.includes(profileId);
}
