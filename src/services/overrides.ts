import type { Database } from "../db/client";
import {
  findIntegration,
  findIntegrationById,
  type IntegrationRow,
  runBatch,
  type Statement,
} from "../db/queries/integrations";
import {
  deleteOverride,
  findOverride,
  type OverrideRow,
  setEventFields,
  upsertOverride,
} from "../db/queries/overrides";
import { findProfile } from "../db/queries/profiles";
import { ApiError, notFound } from "../errors";
import { nowIso } from "../lib/time";
import type { MappingEntry } from "../lib/types";
import { getEvent } from "./events";
import { formUnder, sameForm } from "./fixed-configuration";
import type { MappingMode } from "./mapping";

/**
 * Per-event override (API.md §4): another integration (or the profile's, with `null`), a mapping
 * level of its own, and whether a payment fires `guest.update`.
 */

export type OverrideInput = {
  integration_id: string | null;
  field_mapping: MappingEntry[];
  mapping_mode: MappingMode;
  fire_on_payment: boolean;
};

/** The event's override; 404 when the event has none. */
export async function getOverride(
  db: Database,
  accountId: string,
  eventId: string,
): Promise<OverrideRow> {
  await getEvent(db, accountId, eventId);
  const override = await findOverride(db, eventId);
  if (!override) throw notFound("Override for this event");
  return override;
}

/**
 * Sets (creates or replaces) the override, and in the same batch puts the event's form under the
 * integration that now applies to it (the override's, else the profile's active one).
 */
export async function putOverride(
  db: Database,
  accountId: string,
  eventId: string,
  input: OverrideInput,
): Promise<OverrideRow> {
  const event = await getEvent(db, accountId, eventId);
  let integration: IntegrationRow | null = null;
  if (input.integration_id !== null) {
    integration = (await findIntegration(db, accountId, input.integration_id)) ?? null;
    if (!integration) {
      throw new ApiError("VALIDATION_FAILED", "Unknown integration.", {
        details: [
          { path: "integration_id", message: `Integration ${input.integration_id} not found.` },
        ],
      });
    }
  }
  const existing = await findOverride(db, eventId);
  const now = nowIso();
  const row: OverrideRow = {
    eventId,
    integrationId: input.integration_id,
    fieldMapping: input.field_mapping,
    mappingMode: input.mapping_mode,
    fireOnPayment: input.fire_on_payment,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const applying = integration ?? (await profileIntegration(db, accountId, event.profileId));
  await runBatch(db, [upsertOverride(db, row), ...formStatement(db, event, applying, now)]);
  return row;
}

/** Removes the override; the event follows its profile's active integration again. */
export async function deleteEventOverride(db: Database, accountId: string, eventId: string) {
  const event = await getEvent(db, accountId, eventId);
  if (!(await findOverride(db, eventId))) throw notFound("Override for this event");
  const now = nowIso();
  const applying = await profileIntegration(db, accountId, event.profileId);
  await runBatch(db, [deleteOverride(db, eventId), ...formStatement(db, event, applying, now)]);
}

async function profileIntegration(db: Database, accountId: string, profileId: string) {
  const profile = await findProfile(db, accountId, profileId);
  if (!profile?.activeIntegrationId) return null;
  return (await findIntegrationById(db, profile.activeIntegrationId)) ?? null;
}

function formStatement(
  db: Database,
  event: { id: string; fields: Parameters<typeof formUnder>[0] },
  integration: IntegrationRow | null,
  at: string,
): Statement[] {
  const fields = formUnder(event.fields, integration);
  return sameForm(fields, event.fields) ? [] : [setEventFields(db, event.id, fields, at)];
}
