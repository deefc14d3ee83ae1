import { runBatch, type Statement } from "../db/batch";
import { setEventFields } from "../db/queries/events";
import { findIntegration, type IntegrationRow } from "../db/queries/integrations";
import {
  deleteOverride,
  findOverride,
  type OverrideRow,
  upsertOverride,
} from "../db/queries/overrides";
import { routingContext } from "../db/queries/routing";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import type { OverrideInput } from "../domain/override";
import { applyingIntegrationId } from "../domain/routing";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import type { FormField } from "../lib/types";
import { getEvent } from "./events";

/**
 * Per-event override (API.md §4): another integration (or the profile's, with `null`), a mapping
 * level of its own, and whether a payment fires `guest.update`.
 */

/** The event's override; 404 when the event has none. */
export async function getOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
): Promise<OverrideRow> {
  await getEvent(deps, accountId, eventId);
  const override = await findOverride(deps.db, eventId);
  if (!override) throw notFound("Override for this event");
  return override;
}

/**
 * Sets (creates or replaces) the override, and in the same batch puts the event's form under the
 * integration that now applies to it (the override's, else the profile's active one).
 */
export async function putOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
  input: OverrideInput,
): Promise<OverrideRow> {
  const event = await getEvent(deps, accountId, eventId);
  const context = await routingContext(deps.db, {
    accountId,
    profileId: event.profileId,
    eventId,
  });
  const now = iso(deps.now());
  const row: OverrideRow = {
    eventId,
    integrationId: input.integration_id,
    fieldMapping: input.field_mapping,
    mappingMode: input.mapping_mode,
    fireOnPayment: input.fire_on_payment,
    createdAt: context.override?.createdAt ?? now,
    updatedAt: now,
  };
  const applying = await applyingIntegration(deps, accountId, { ...context, override: row });
  if (input.integration_id !== null && !applying) {
    throw new ApiError("VALIDATION_FAILED", "Unknown integration.", {
      details: [
        { path: "integration_id", message: `Integration ${input.integration_id} not found.` },
      ],
    });
  }
  await runBatch(deps.db, [
    upsertOverride(deps.db, row),
    ...formStatement(deps, event, applying, now),
  ]);
  return row;
}

/** Removes the override; the event follows its profile's active integration again. */
export async function deleteEventOverride(deps: Deps, accountId: string, eventId: string) {
  const event = await getEvent(deps, accountId, eventId);
  const context = await routingContext(deps.db, {
    accountId,
    profileId: event.profileId,
    eventId,
  });
  if (!context.override) throw notFound("Override for this event");
  const applying = await applyingIntegration(deps, accountId, { ...context, override: undefined });
  const now = iso(deps.now());
  await runBatch(deps.db, [
    deleteOverride(deps.db, eventId),
    ...formStatement(deps, event, applying, now),
  ]);
}

async function applyingIntegration(
  deps: Deps,
  accountId: string,
  context: Parameters<typeof applyingIntegrationId>[0],
): Promise<IntegrationRow | null> {
  const id = applyingIntegrationId(context);
  return (id && (await findIntegration(deps.db, accountId, id))) || null;
}

function formStatement(
  deps: Deps,
  event: { id: string; fields: FormField[] },
  integration: IntegrationRow | null,
  at: string,
): Statement[] {
  const fields = formUnder(event.fields, integration);
  return sameForm(fields, event.fields) ? [] : [setEventFields(deps.db, event.id, fields, at)];
}
