import { runBatch, type Statement } from "../db/batch";
import { eventOf, profileIdOfEvent, setEventFields } from "../db/queries/events";
import {
  activeIntegrationOf,
  type IntegrationRow,
  integrationOf,
} from "../db/queries/integrations";
import {
  deleteOverride,
  type OverrideRow,
  overrideOf,
  upsertOverride,
} from "../db/queries/overrides";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import type { OverrideInput } from "../domain/override";
import { applyingIntegrationId } from "../domain/routing";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import type { FormField } from "../lib/types";
import { confirmed } from "./read";

/**
 * Per-event override (API.md §4): another integration (or the profile's, with `null`), a mapping
 * level of its own, and whether a payment fires `guest.update`.
 */

/**
 * The event with its override, the integration active on its profile and, if asked, another
 * integration of the account: one round trip; 404 when the event does not exist.
 */
async function eventForOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
  named: string | null = null,
) {
  const { db } = deps;
  const found = await confirmed(deps, async () => {
    const [events, overrides, active, others] = await db.batch([
      eventOf(db, accountId, eventId),
      overrideOf(db, eventId),
      activeIntegrationOf(db, accountId, profileIdOfEvent(db, eventId)),
      integrationOf(db, accountId, named ?? ""),
    ]);
    const [event] = events;
    return event && { event, override: overrides[0], active: active[0], named: others[0] };
  });
  if (!found) throw notFound("Event");
  return found;
}

/** The event's override; 404 when the event has none. */
export async function getOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
): Promise<OverrideRow> {
  const { override } = await eventForOverride(deps, accountId, eventId);
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
  const found = await eventForOverride(deps, accountId, eventId, input.integration_id);
  if (input.integration_id !== null && !found.named) {
    throw new ApiError("VALIDATION_FAILED", "Unknown integration.", {
      details: [
        { path: "integration_id", message: `Integration ${input.integration_id} not found.` },
      ],
    });
  }
  const now = iso(deps.now());
  const row: OverrideRow = {
    eventId,
    integrationId: input.integration_id,
    fieldMapping: input.field_mapping,
    mappingMode: input.mapping_mode,
    fireOnPayment: input.fire_on_payment,
    createdAt: found.override?.createdAt ?? now,
    updatedAt: now,
  };
  const applying = applyingOf(found, row);
  await runBatch(deps.db, [
    upsertOverride(deps.db, row),
    ...formStatement(deps, found.event, applying, now),
  ]);
  return row;
}

/** Removes the override; the event follows its profile's active integration again. */
export async function deleteEventOverride(deps: Deps, accountId: string, eventId: string) {
  const found = await eventForOverride(deps, accountId, eventId);
  if (!found.override) throw notFound("Override for this event");
  const applying = applyingOf(found, undefined);
  await runBatch(deps.db, [
    deleteOverride(deps.db, eventId),
    ...formStatement(deps, found.event, applying, iso(deps.now())),
  ]);
}

/** The integration that applies to the event under `override` (domain/routing.ts decides). */
function applyingOf(
  found: { active: IntegrationRow | undefined; named: IntegrationRow | undefined },
  override: Pick<OverrideRow, "integrationId"> | undefined,
): IntegrationRow | null {
  const id = applyingIntegrationId({
    profile: { activeIntegrationId: found.active?.id ?? null },
    override,
  });
  return [found.named, found.active].find((row) => row && row.id === id) ?? null;
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
