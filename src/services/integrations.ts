import { runBatch, type Statement } from "../db/batch";
import { deleteIntegrationKeys } from "../db/queries/api-keys";
import { eventFormsOverriddenBy, setEventFields } from "../db/queries/events";
import {
  deleteIntegrationRow,
  deleteLinks,
  findIntegration,
  type IntegrationRow,
  insertIntegration,
  insertLinks,
  linksOf,
  listIntegrations,
  updateIntegration,
} from "../db/queries/integrations";
import { detachOverrides } from "../db/queries/overrides";
import { existingProfileIds, profilesActiveWith } from "../db/queries/profiles";
import { deleteWebhooksOf } from "../db/queries/webhooks";
import type { FixedConfiguration } from "../db/schema";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import type { FixedFieldInput, Integration, IntegrationInput } from "../domain/integration";
import { type Pagination, pageWindow } from "../domain/pagination";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso, toStoredTime } from "../lib/time";

/** The account's integration row, or 404: what every route under /v1/integrations/{id} checks. */
export async function requireIntegration(deps: Deps, accountId: string, id: string) {
  const row = await findIntegration(deps.db, accountId, id);
  if (!row) throw notFound("Integration");
  return row;
}

/** The integration of the account with its linked profiles, or 404. */
export async function getIntegration(
  deps: Deps,
  accountId: string,
  id: string,
): Promise<Integration> {
  const row = await requireIntegration(deps, accountId, id);
  const links = await linksOf(deps.db, [row.id]);
  return { ...row, profileIds: links.get(row.id) ?? [] };
}

export async function listAccountIntegrations(deps: Deps, accountId: string, query: Pagination) {
  const where = {
    accountId,
    updatedSince: query.updated_since && toStoredTime(query.updated_since),
  };
  const { rows, total } = await listIntegrations(deps.db, where, pageWindow(query));
  const links = await linksOf(
    deps.db,
    rows.map((row) => row.id),
  );
  return { items: rows.map((row) => ({ ...row, profileIds: links.get(row.id) ?? [] })), total };
}

export async function createIntegration(
  deps: Deps,
  accountId: string,
  input: IntegrationInput,
): Promise<Integration> {
  const profileIds = await checkProfiles(deps, accountId, input.profile_uids);
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
  const current = await getIntegration(deps, accountId, id);
  const profileIds =
    input.profile_uids === undefined
      ? current.profileIds
      : await checkProfiles(deps, accountId, input.profile_uids);
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
    for (const event of await eventFormsOverriddenBy(db, id)) {
      const fields = formUnder(event.fields, updated);
      if (!sameForm(fields, event.fields))
        statements.push(setEventFields(db, event.id, fields, now));
    }
  }
  await runBatch(db, statements);

  for (const profileId of await profilesActiveWith(db, id)) {
    if (removed.includes(profileId)) await deps.locks.deactivate(accountId, profileId, id);
    else if (fixedChanged) await deps.locks.refresh(accountId, profileId);
  }
  return { ...updated, profileIds };
}

/**
 * Deletes the integration in three consistent steps: unlink (so it cannot be activated again),
 * deactivate it wherever active (through the profiles' locks), then one batch removing its keys,
 * webhooks and the row, and pointing overrides that named it back at their profile.
 */
export async function deleteIntegration(deps: Deps, accountId: string, id: string) {
  const { db } = deps;
  await getIntegration(deps, accountId, id);
  await deleteLinks(db, id);
  for (const profileId of await profilesActiveWith(db, id)) {
    await deps.locks.deactivate(accountId, profileId, id);
  }
  const now = iso(deps.now());
  const statements: Statement[] = [];
  // Events it applied to through their override follow their profile's active integration again.
  const fallbacks = new Map<string, IntegrationRow | undefined>();
  for (const event of await eventFormsOverriddenBy(db, id)) {
    const fallbackId = event.activeIntegrationId;
    if (fallbackId && !fallbacks.has(fallbackId)) {
      fallbacks.set(fallbackId, await findIntegration(db, accountId, fallbackId));
    }
    const fallback = fallbackId ? (fallbacks.get(fallbackId) ?? null) : null;
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

/** The profile ids, deduplicated, each a profile of the account (else VALIDATION_FAILED). */
async function checkProfiles(deps: Deps, accountId: string, uids: string[]) {
  const unique = [...new Set(uids)].sort();
  const found = await existingProfileIds(deps.db, accountId, unique);
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
