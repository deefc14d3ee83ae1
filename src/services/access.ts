import type { Database } from "../db/client";
import { findIntegrationWithLinks, type IntegrationRow } from "../db/queries/integrations";
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

export async function readerScope(db: Database, auth: Auth): Promise<ReaderScope> {
  if (auth.kind === "admin")
    return { accountId: auth.accountId, profileIds: null, integration: null };
  if (auth.kind === "bootstrap") {
    throw new ApiError("FORBIDDEN", "The bootstrap token can only create accounts.");
  }
  // One round trip for the integration and its links: this runs on every integration-key read.
  const found = await findIntegrationWithLinks(db, auth.integrationId);
  if (!found) throw new ApiError("UNAUTHORIZED", "Unknown key.");
  if (!found.integration.apiAccess) {
    throw new ApiError("FORBIDDEN", "API access is turned off for this integration.");
  }
  return {
    accountId: auth.accountId,
    profileIds: found.profileIds,
    integration: found.integration,
  };
}

/** Whether a scope may see something of `profileId` (else the caller answers 404). */
export function canSeeProfile(scope: ReaderScope, profileId: string): boolean {
  return scope.profileIds === null || scope.profileIds.includes(profileId);
}
