import type { OverrideRow } from "../db/queries/overrides";
import type { MappingEntry } from "../lib/types";
import type { MappingMode } from "./mapping";

/** `PUT /v1/events/{uid}/integration` (API.md §4), defaults applied. */
export type OverrideInput = {
  integration_id: string | null;
  field_mapping: MappingEntry[];
  mapping_mode: MappingMode;
  /** null: the profile's `fire_on_payment` applies. */
  fire_on_payment: boolean | null;
  /** false: no webhook fires for the event. */
  webhooks_enabled: boolean;
};

export function serializeOverride(row: OverrideRow) {
  return {
    event_uid: row.eventId,
    integration_id: row.integrationId,
    field_mapping: row.fieldMapping,
    mapping_mode: row.mappingMode,
    fire_on_payment: row.fireOnPayment,
    webhooks_enabled: row.webhooksEnabled,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
