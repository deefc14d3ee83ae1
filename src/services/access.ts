import type { IntegrationRow } from "../db/queries/integrations";

/** What an integration key reaches: its integration (API access on) and its linked profiles. */
export type Grant = { integration: IntegrationRow; profileIds: string[] };

/**
 * What a caller may reach (API.md §2, §8): an admin key its whole account; an integration key,
 * within its scopes, the profiles linked to its integration (its attendee reads mapped for it).
 */
export type AccessScope = {
  accountId: string;
  /** The integration of an integration key (reads are scoped to its links); null: an admin key. */
  integrationId: string | null;
  /**
   * What the integration key grants, once its check has run with the request's first read (so:
   * after a query, never before); null for an admin key.
   */
  grant(): Grant | null;
};

/** An admin key's scope: the whole account. */
export function accountScope(accountId: string): AccessScope {
  return { accountId, integrationId: null, grant: () => null };
}

/** Whether a scope may reach something of `profileId` (else the caller answers 404). */
export function canSeeProfile(scope: AccessScope, profileId: string): boolean {
  const grant = scope.grant();
  return grant === null || grant.profileIds.includes(profileId);
}
