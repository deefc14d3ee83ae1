import type { IntegrationRow } from "../db/queries/integrations";

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

/** Whether a scope may see something of `profileId` (else the caller answers 404). */
export function canSeeProfile(scope: ReaderScope, profileId: string): boolean {
  return scope.profileIds === null || scope.profileIds.includes(profileId);
}
