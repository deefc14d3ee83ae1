import type { ProfileRow } from "../db/queries/profiles";

export function serializeProfile(row: ProfileRow) {
  return {
    uid: row.id,
    name: row.name,
    active_integration_id: row.activeIntegrationId,
    fire_on_payment: row.fireOnPayment,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
