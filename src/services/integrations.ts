import type { Database } from "../db/client";
import { deleteIntegrationKeys } from "../db/queries/api-keys";
import type { PageRouting } from "../db/queries/attendees";
import {
  countIntegrations,
  deleteIntegrationRow,
  deleteLinks,
  existingProfileIds,
  findIntegration,
  findIntegrationById,
  type IntegrationRow,
  insertIntegration,
  insertLinks,
  linksOf,
  listIntegrations,
  profilesActiveWith,
  runBatch,
  type Statement,
  updateIntegration,
} from "../db/queries/integrations";
import { detachOverrides, eventFormsOverriddenBy, setEventFields } from "../db/queries/overrides";
import { deleteWebhooksOf } from "../db/queries/webhooks";
import type { FixedConfiguration } from "../db/schema";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import type { FormField, MappingEntry } from "../lib/types";
import type { NativeAttendee } from "../routes/attendees/attendees.schemas";
import type { ProfileLocks } from "./activation";
import { formUnder, sameForm } from "./fixed-configuration";
import { applyMapping, mappingOfLevels } from "./mapping";

export type FixedFieldInput = Omit<FormField, "locked">;

export type IntegrationInput = {
  name: string;
  profile_uids: string[];
  api_access: boolean;
  webhooks_enabled: boolean;
  fixed_configuration: { fields: FixedFieldInput[] };
  field_mapping: MappingEntry[];
};

export type Integration = IntegrationRow & { profileIds: string[] };

/** The integration of the account with its linked profiles, or 404. */
/** The account's integration row, or 404: what every route under /v1/integrations/{id} checks. */
export async function requireIntegration(db: Database, accountId: string, id: string) {
  const row = await findIntegration(db, accountId, id);
  if (!row) throw notFound("Integration");
  return row;
}

export async function getIntegration(
  db: Database,
  accountId: string,
  id: string,
): Promise<Integration> {
  const row = await requireIntegration(db, accountId, id);
  const links = await linksOf(db, [row.id]);
  return { ...row, profileIds: links.get(row.id) ?? [] };
}

export async function listAccountIntegrations(
  db: Database,
  accountId: string,
  query: { page: number; page_size: number; updated_since?: string },
) {
  const where = {
    accountId,
    updatedSince: query.updated_since ? new Date(query.updated_since).toISOString() : undefined,
  };
  const [rows, total] = await Promise.all([
    listIntegrations(db, where, {
      limit: query.page_size,
      offset: (query.page - 1) * query.page_size,
    }),
    countIntegrations(db, where),
  ]);
  const links = await linksOf(
    db,
    rows.map((row) => row.id),
  );
  return { items: rows.map((row) => ({ ...row, profileIds: links.get(row.id) ?? [] })), total };
}

export async function createIntegration(
  db: Database,
  accountId: string,
  input: IntegrationInput,
): Promise<Integration> {
  const profileIds = await checkProfiles(db, accountId, input.profile_uids);
  const now = nowIso();
  const row: IntegrationRow = {
    id: newId("int"),
    accountId,
    name: input.name,
    apiAccess: input.api_access,
    webhooksEnabled: input.webhooks_enabled,
    fixedConfiguration: storedFixed(input.fixed_configuration),
    fieldMapping: input.field_mapping,
    createdAt: now,
    updatedAt: now,
  };
  await runBatch(db, [insertIntegration(db, row), ...insertLinks(db, row.id, profileIds)]);
  return { ...row, profileIds };
}

/**
 * Updates what is given. Profiles no longer listed are unlinked first, then the integration is
 * deactivated on them (through their locks). A new fixed configuration is re-applied to every
 * event the integration applies to.
 */
export async function updateIntegrationFields(
  db: Database,
  locks: ProfileLocks,
  accountId: string,
  id: string,
  input: Partial<IntegrationInput>,
): Promise<Integration> {
  const current = await getIntegration(db, accountId, id);
  const profileIds =
    input.profile_uids === undefined
      ? current.profileIds
      : await checkProfiles(db, accountId, input.profile_uids);
  const removed = current.profileIds.filter((p) => !profileIds.includes(p));
  const added = profileIds.filter((p) => !current.profileIds.includes(p));
  const now = nowIso();
  const set: Partial<IntegrationRow> = { updatedAt: now };
  if (input.name !== undefined) set.name = input.name;
  if (input.api_access !== undefined) set.apiAccess = input.api_access;
  if (input.webhooks_enabled !== undefined) set.webhooksEnabled = input.webhooks_enabled;
  if (input.field_mapping !== undefined) set.fieldMapping = input.field_mapping;
  if (input.fixed_configuration !== undefined) {
    set.fixedConfiguration = storedFixed(input.fixed_configuration);
  }
  const updated: IntegrationRow = { ...current, ...set };
  const fixedChanged =
    set.fixedConfiguration !== undefined &&
    JSON.stringify(set.fixedConfiguration) !== JSON.stringify(current.fixedConfiguration);

  const statements: Statement[] = [updateIntegration(db, id, set)];
  if (removed.length > 0) statements.push(deleteLinks(db, id, removed));
  statements.push(...insertLinks(db, id, added));
  if (fixedChanged) {
    for (const event of await eventFormsOverriddenBy(db, id)) {
      const fields = formUnder(event.fields, updated);
      if (!sameForm(fields, event.fields))
        statements.push(setEventFields(db, event.id, fields, now));
    }
  }
  await runBatch(db, statements);

  const active = await profilesActiveWith(db, id);
  for (const profileId of active) {
    if (removed.includes(profileId)) await locks.deactivate(accountId, profileId, id);
    else if (fixedChanged) await locks.refresh(accountId, profileId);
  }
  return { ...updated, profileIds };
}

/**
 * Deletes the integration in three consistent steps: unlink (so it cannot be activated again),
 * deactivate it wherever active (through the profiles' locks), then one batch removing its keys,
 * webhooks and the row, and pointing overrides that named it back at their profile.
 */
export async function deleteIntegration(
  db: Database,
  locks: ProfileLocks,
  accountId: string,
  id: string,
): Promise<void> {
  await getIntegration(db, accountId, id);
  await deleteLinks(db, id);
  for (const profileId of await profilesActiveWith(db, id)) {
    await locks.deactivate(accountId, profileId, id);
  }
  const now = nowIso();
  const statements: Statement[] = [];
  const overridden = await eventFormsOverriddenBy(db, id);
  const fallbacks = new Map<string, IntegrationRow | null>();
  for (const event of overridden) {
    const fallbackId = event.activeIntegrationId;
    if (fallbackId && !fallbacks.has(fallbackId)) {
      fallbacks.set(fallbackId, (await findIntegrationById(db, fallbackId)) ?? null);
    }
    const fields = formUnder(event.fields, fallbackId ? (fallbacks.get(fallbackId) ?? null) : null);
    if (!sameForm(fields, event.fields)) statements.push(setEventFields(db, event.id, fields, now));
  }
  statements.push(
    detachOverrides(db, id, now),
    deleteIntegrationKeys(db, id),
    deleteWebhooksOf(db, id),
    deleteIntegrationRow(db, id),
  );
  await runBatch(db, statements);
}

/** The profile ids, deduplicated, each a profile of the account (else VALIDATION_FAILED). */
async function checkProfiles(db: Database, accountId: string, uids: string[]) {
  const unique = [...new Set(uids)].sort();
  const found = await existingProfileIds(db, accountId, unique);
  const details = uids.flatMap((uid, i) =>
    found.has(uid) ? [] : [{ path: `profile_uids.${i}`, message: `Profile ${uid} not found.` }],
  );
  if (details.length > 0) {
    throw new ApiError("VALIDATION_FAILED", "Unknown profile.", { details });
  }
  return unique;
}

function storedFixed(input: { fields: FixedFieldInput[] }): FixedConfiguration {
  return { fields: input.fields.map((field) => ({ ...field, locked: true })) };
}

// Field mapping of attendee payloads (API.md §5), for integration-key reads and webhooks.

/** Native attendees mapped for the integration, each by its event's levels, read with the page. */
export function mapAttendeesForIntegration(input: {
  attendees: NativeAttendee[];
  integration: IntegrationRow;
  routing: PageRouting;
}): Record<string, unknown>[] {
  const byEvent = new Map<string, MappingEntry[]>();
  return input.attendees.map((attendee) => {
    let mapping = byEvent.get(attendee.event_uid);
    if (!mapping) {
      const at = { profileId: attendee.profile_uid, eventId: attendee.event_uid };
      mapping = mappingOfLevels(contextInPage(input.routing, at), input.integration);
      byEvent.set(attendee.event_uid, mapping);
    }
    return applyMapping(attendee, mapping);
  });
}

/** One event's routing context out of a page's, as `routingContext` would read it. */
function contextInPage(routing: PageRouting, at: { profileId: string; eventId: string }) {
  return {
    account: routing.account,
    profile: routing.profiles.find((profile) => profile.id === at.profileId),
    override: routing.overrides.find((override) => override.eventId === at.eventId),
  };
}
