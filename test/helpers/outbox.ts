import { env } from "cloudflare:workers";

/**
 * What a change recorded in the outbox (the `triggers` table), read to assert on: the API does not
 * show stored triggers, and a test that wrote them would not test the change that records them.
 */

export type StoredTrigger = {
  id: string;
  trigger: string;
  event_id: string;
  entity_uid: string;
  webhook_id: string | null;
  cause: string | null;
  status: string;
  snapshot: Record<string, unknown>;
};

/** The outbox rows of one entity (event or attendee), oldest first. */
export async function triggersFor(entityUid: string): Promise<StoredTrigger[]> {
  const { results } = await env.DB.prepare(
    `SELECT id, trigger, event_id, entity_uid, webhook_id, cause, status, snapshot
     FROM triggers WHERE entity_uid = ? ORDER BY created_at, rowid`,
  )
    .bind(entityUid)
    .all<Omit<StoredTrigger, "snapshot"> & { snapshot: string }>();
  return results.map((row) => ({ ...row, snapshot: JSON.parse(row.snapshot) }));
}
