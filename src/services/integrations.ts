import { type BatchResults, runBatch, type Statement } from "../db/batch";
import { deleteIntegrationKeys } from "../db/queries/api-keys";
import { eventFormsOverriddenBy, setEventFields } from "../db/queries/events";
import {
  deleteIntegrationRow,
  deleteLinks,
  type IntegrationRow,
  insertIntegration,
  insertLinks,
  integrationOf,
  integrationsActiveOnEventsOverriddenBy,
  linksOfIntegration,
  listIntegrations,
  updateIntegration,
} from "../db/queries/integrations";
import { detachOverrides } from "../db/queries/overrides";
import { profileIdsAmong, profilesActiveWith } from "../db/queries/profiles";
import { deleteWebhooksOf } from "../db/queries/webhooks";
import type { FixedConfiguration } from "../db/schema";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import type { FixedFieldInput, Integration, IntegrationInput } from "../domain/integration";
import { type Pagination, pageWindow } from "../domain/pagination";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso, toStoredTime } from "../lib/time";
import { confirmed } from "./read";

/** The account's integration row, or 404: what every route under /v1/integrations/{id} checks. */
export async function requireIntegration(deps: Deps, accountId: string, id: string) {
  const row = await confirmed(deps, async () => (await integrationOf(deps.db, accountId, id))[0]);
  if (!row) throw notFound("Integration");
  return row;
}

/**
 * The account's integration with its linked profiles and, read in the same round trip, what
 * `also` asks for; 404 when the integration does not exist.
 */
export async function integrationWith<const T extends readonly Statement[]>(
  deps: Deps,
  accountId: string,
  id: string,
  also: (db: Deps["db"]) => T,
) {
  const read = async () => {
    const [rows, links, ...rest] = await deps.db.batch([
      integrationOf(deps.db, accountId, id),
      linksOfIntegration(deps.db, id),
      ...also(deps.db),
    ]);
    const row = rows[0];
    return row && { integration: { ...row, profileIds: links.map((l) => l.profileId) }, rest };
  };
  const found = await confirmed(deps, read);
  if (!found) throw notFound("Integration");
  return found as { integration: Integration; rest: BatchResults<T> };
}

/** The account's integration with its linked profiles, or 404. */
export async function getIntegration(deps: Deps, accountId: string, id: string) {
  return (await integrationWith(deps, accountId, id, () => [] as const)).integration;
}

export async function listAccountIntegrations(deps: Deps, accountId: string, query: Pagination) {
  const where = {
    accountId,
    updatedSince: query.updated_since && toStoredTime(query.updated_since),
  };
  const { rows, total, links } = await listIntegrations(deps.db, where, pageWindow(query));
  return { items: rows.map((row) => ({ ...row, profileIds: links.get(row.id) ?? [] })), total };
}

export async function createIntegration(
  deps: Deps,
  accountId: string,
  input: IntegrationInput,
): Promise<Integration> {
  const profileIds = checkProfiles(
    input.profile_uids,
    await profileIdsAmong(deps.db, accountId, input.profile_uids),
  );
  const now = iso(deps.now());
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
  await runBatch(deps.db, [
    insertIntegration(deps.db, row),
    ...insertLinks(deps.db, row.id, profileIds),
  ]);
  return { ...row, profileIds };
}

/**
 * Updates what is given. Profiles no longer listed are unlinked first, then the integration is
 * deactivated on them (through their locks). A new fixed configuration is re-applied to every
 * event the integration applies to.
 */
export async function updateIntegrationFields(
  deps: Deps,
  accountId: string,
  id: string,
  input: Partial<IntegrationInput>,
): Promise<Integration> {
  const { db } = deps;
  const {
    integration: current,
    rest: [knownProfiles, overridden],
  } = await integrationWith(deps, accountId, id, (db) => [
    profileIdsAmong(db, accountId, input.profile_uids ?? []),
    eventFormsOverriddenBy(db, id),
  ]);
  const profileIds =
    input.profile_uids === undefined
      ? current.profileIds
      : checkProfiles(input.profile_uids, knownProfiles);
  const removed = current.profileIds.filter((p) => !profileIds.includes(p));
  const added = profileIds.filter((p) => !current.profileIds.includes(p));
  const now = iso(deps.now());
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
    for (const event of overridden) {
      const fields = formUnder(event.fields, updated);
      if (!sameForm(fields, event.fields))
        statements.push(setEventFields(db, event.id, fields, now));
    }
  }
  await runBatch(db, statements);

  // Read after the change: an activation that ran meanwhile is among them.
  if (removed.length > 0 || fixedChanged) {
    for (const { id: profileId } of await profilesActiveWith(db, id)) {
      if (removed.includes(profileId)) await deps.locks.deactivate(accountId, profileId, id);
      else if (fixedChanged) await deps.locks.refresh(accountId, profileId);
    }
  }
  return { ...updated, profileIds };
}

/**
 * Deletes the integration. Where it is active, in three consistent steps: unlink (so it cannot be
 * activated again), deactivate it (through the profiles' locks), then one batch removing its
 * keys, webhooks and the row, and pointing overrides that named it back at their profile.
 */
export async function deleteIntegration(deps: Deps, accountId: string, id: string) {
  const { db } = deps;
  const {
    rest: [active, overridden, fallbacks],
  } = await integrationWith(deps, accountId, id, (db) => [
    profilesActiveWith(db, id),
    eventFormsOverriddenBy(db, id),
    integrationsActiveOnEventsOverriddenBy(db, accountId, id),
  ]);
  const statements: Statement[] = [deleteLinks(db, id)];
  if (active.length > 0) {
    await runBatch(db, statements.splice(0));
    for (const { id: profileId } of active) await deps.locks.deactivate(accountId, profileId, id);
  }
  const now = iso(deps.now());
  // Events it applied to through their override follow their profile's active integration again
  // (none where that was this one: it has just been deactivated there).
  for (const event of overridden) {
    const fallback =
      fallbacks.find((row) => row.id !== id && row.id === event.activeIntegrationId) ?? null;
    const fields = formUnder(event.fields, fallback);
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

/** The profile ids, deduplicated and sorted, each a profile of the account (else VALIDATION_FAILED). */
function checkProfiles(uids: readonly string[], known: readonly { id: string }[]) {
  const found = new Set(known.map((row) => row.id));
  const details = uids.flatMap((uid, i) =>
    found.has(uid) ? [] : [{ path: `profile_uids.${i}`, message: `Profile ${uid} not found.` }],
  );
  if (details.length > 0) {
    throw new ApiError("VALIDATION_FAILED", "Unknown profile.", { details });
  }
  return [...new Set(uids)].sort();
}

function storedFixed(input: { fields: FixedFieldInput[] }): FixedConfiguration {
  return { fields: input.fields.map((field) => ({ ...field, locked: true })) };
}
