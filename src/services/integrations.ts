import { type BatchResults, runBatch, type Statement } from "../db/batch";
import type { Database } from "../db/client";
import { deleteIntegrationKeys } from "../db/queries/api-keys";
import {
  EVENT_CHANGED,
  eventFormsOverriddenBy,
  eventsFingerprint,
  guardEventRouting,
  type RoutingBasis,
  setEventFields,
} from "../db/queries/events";
import {
  deleteIntegrationRow,
  deleteLinks,
  guardActiveNowhere,
  guardOverriddenEvents,
  INTEGRATION_CHANGED,
  type IntegrationRow,
  insertIntegration,
  insertLinks,
  integrationOf,
  integrationsActiveOnEventsOverriddenBy,
  linksOfIntegration,
  listIntegrations,
  updateIntegration,
} from "../db/queries/integrations";
import { detachOverrides, detachOverridesOnProfiles } from "../db/queries/overrides";
import { profileIdsAmong, profilesActiveWith } from "../db/queries/profiles";
import { deleteWebhooksOf, insertWebhook, type WebhookRow } from "../db/queries/webhooks";
import type { FixedConfiguration } from "../db/schema";
import { commitChange } from "../delivery/outbox";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import type {
  CreateIntegrationInput,
  FixedFieldInput,
  Integration,
  IntegrationInput,
} from "../domain/integration";
import { type Pagination, pageWindow } from "../domain/pagination";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso, toStoredTime } from "../lib/time";
import type { FormField } from "../lib/types";
import { retryWhenChanged } from "./compare-and-set";
import { formChangedTrigger } from "./events";
import { planFromTemplate } from "./integration-templates";
import { confirmed } from "./read";
import { newWebhookRow } from "./webhooks";

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

/**
 * Creates the integration; with `template`, the one the template makes from `params`, its
 * webhooks with it, in one batch (`webhooks`, with their signing secrets shown once; null
 * without a template).
 */
export async function createIntegration(
  deps: Deps,
  accountId: string,
  input: CreateIntegrationInput,
): Promise<{ integration: Integration; webhooks: { row: WebhookRow; secret: string }[] | null }> {
  const plan =
    input.template === undefined
      ? null
      : planFromTemplate(deps, input.template, input.params ?? {});
  const profileIds = checkProfiles(
    input.profile_uids,
    await profileIdsAmong(deps.db, accountId, input.profile_uids),
  );
  const now = iso(deps.now());
  const row: IntegrationRow = {
    id: newId("int"),
    accountId,
    name: input.name ?? plan?.name ?? "",
    apiAccess: input.api_access,
    webhooksEnabled: input.webhooks_enabled,
    fixedConfiguration: storedFixed(plan?.fixed_configuration ?? input.fixed_configuration),
    fieldMapping: plan?.field_mapping ?? input.field_mapping,
    templateId: plan?.templateId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  const owner = { accountId, integrationId: row.id };
  const webhooks = plan
    ? await Promise.all(plan.webhooks.map((webhook) => newWebhookRow(deps, owner, webhook)))
    : null;
  await runBatch(deps.db, [
    insertIntegration(deps.db, row),
    ...insertLinks(deps.db, row.id, profileIds),
    ...(webhooks ?? []).map(({ row: webhook }) => insertWebhook(deps.db, webhook)),
  ]);
  return { integration: { ...row, profileIds }, webhooks };
}

/**
 * Updates what is given. Profiles no longer listed are unlinked first (overrides of their events
 * naming the integration fall back to the profile's), then the integration is deactivated on
 * them (through their locks). A new fixed configuration is re-applied to every
 * event the integration applies to, each with an `event.update`.
 */
export function updateIntegrationFields(
  deps: Deps,
  accountId: string,
  id: string,
  input: Partial<IntegrationInput>,
): Promise<Integration> {
  return retryWhenChanged(deps, FORMS_CHANGED, "integration", () =>
    updateOnce(deps, accountId, id, input),
  );
}

/** An override or an event changed while the forms it rewrites were read: read them again. */
const FORMS_CHANGED = [INTEGRATION_CHANGED, EVENT_CHANGED];

async function updateOnce(
  deps: Deps,
  accountId: string,
  id: string,
  input: Partial<IntegrationInput>,
): Promise<Integration> {
  const { db } = deps;
  const {
    integration: current,
    rest: [knownProfiles, overridden, fallbacks],
  } = await integrationWith(deps, accountId, id, (db) => [
    profileIdsAmong(db, accountId, input.profile_uids ?? []),
    eventFormsOverriddenBy(db, id),
    integrationsActiveOnEventsOverriddenBy(db, accountId, id),
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
  // An override names only an integration linked to its profile: unlinked, its events follow
  // their profile's active integration again (this one until it is deactivated there, below).
  const detached = overridden.filter((row) => removed.includes(row.event.profileId));
  const kept = overridden.filter((row) => !removed.includes(row.event.profileId));
  const activeOn = (row: OverriddenEvent) =>
    row.activeIntegrationId === id
      ? updated
      : (fallbacks.find((fallback) => fallback.id === row.activeIntegrationId) ?? null);
  const reformed = [
    ...(fixedChanged ? changedForms(kept, () => updated) : []),
    ...changedForms(detached, activeOn, true),
  ];

  const statements: Statement[] = [];
  if (fixedChanged || detached.length > 0) {
    statements.push(guardOverriddenEvents(db, id, eventsFingerprint(overridden, id)));
  }
  statements.push(updateIntegration(db, id, set));
  if (removed.length > 0) {
    statements.push(deleteLinks(db, id, removed), detachOverridesOnProfiles(db, id, removed, now));
  }
  statements.push(...insertLinks(db, id, added), ...formStatements(deps, reformed, now));
  await commitChange(deps, statements, formTriggers(reformed, now));

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
  const routing = (db: Database) =>
    [
      profilesActiveWith(db, id),
      eventFormsOverriddenBy(db, id),
      integrationsActiveOnEventsOverriddenBy(db, accountId, id),
    ] as const;
  let read: BatchResults<ReturnType<typeof routing>> | undefined = (
    await integrationWith(deps, accountId, id, routing)
  ).rest;
  // The final batch is guarded: an activation of this integration that lands after the read
  // fails it, and the whole deletion runs again (deactivating that profile too).
  await retryWhenChanged(deps, FORMS_CHANGED, "integration", async () => {
    let [active, overridden, fallbacks] = read ?? (await db.batch(routing(db)));
    read = undefined;
    if (active.length > 0) {
      await deleteLinks(db, id);
      for (const { id: profileId } of active) await deps.locks.deactivate(accountId, profileId, id);
      // Deactivation rewrote the forms of the profiles' events: read what remains.
      [active, overridden, fallbacks] = await db.batch(routing(db));
    }
    const now = iso(deps.now());
    // Events it applied to through their override follow their profile's active integration
    // again (none where that was this one: it has just been deactivated there).
    const fallbackOf = (activeId: string | null) =>
      fallbacks.find((row) => row.id !== id && row.id === activeId) ?? null;
    const reformed = changedForms(overridden, (row) => fallbackOf(row.activeIntegrationId), true);
    await commitChange(
      deps,
      [
        guardOverriddenEvents(db, id, eventsFingerprint(overridden, id)),
        guardActiveNowhere(db, id),
        ...formStatements(deps, reformed, now),
        deleteLinks(db, id),
        detachOverrides(db, id, now),
        deleteIntegrationKeys(db, id),
        deleteWebhooksOf(db, id),
        deleteIntegrationRow(db, id),
      ],
      formTriggers(reformed, now),
    );
  });
}

type OverriddenEvent = Awaited<ReturnType<typeof eventFormsOverriddenBy>>[number];
type Reformed = {
  event: OverriddenEvent["event"];
  fields: FormField[];
  /** False for an event that follows its profile with its form as it is (only guarded). */
  changed: boolean;
  routing?: RoutingBasis;
};

/**
 * The events whose form changes under the integration that will apply to them; with
 * `followingProfile`, that is their profile's active one, checked again when the form is written,
 * and the events whose form stays are listed too: they keep it only while that one still applies.
 */
function changedForms(
  rows: readonly OverriddenEvent[],
  applying: (row: OverriddenEvent) => IntegrationRow | null,
  followingProfile = false,
): Reformed[] {
  return rows.flatMap((row) => {
    const integration = applying(row);
    const fields = formUnder(row.event.fields, integration);
    const changed = !sameForm(fields, row.event.fields);
    if (!changed && !followingProfile) return [];
    const routing = followingProfile
      ? {
          profileId: row.event.profileId,
          activeIntegrationId: row.activeIntegrationId,
          applying: integration && { id: integration.id, updatedAt: integration.updatedAt },
        }
      : undefined;
    return [{ event: row.event, fields, changed, routing }];
  });
}

/** Each new form, written only if its event (and routing) is as read; a kept one, guarded. */
function formStatements(deps: Deps, reformed: readonly Reformed[], at: string) {
  return reformed.map(({ event, fields, changed, routing }) =>
    !changed && routing
      ? guardEventRouting(deps.db, event.id, { readAt: event.updatedAt, routing })
      : setEventFields(deps.db, event.id, fields, at, { readAt: event.updatedAt, routing }),
  );
}

function formTriggers(reformed: readonly Reformed[], at: string) {
  return reformed
    .filter(({ changed }) => changed)
    .map(({ event, fields }) => formChangedTrigger(event, fields, at));
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
