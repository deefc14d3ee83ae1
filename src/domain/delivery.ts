import type { DeliveryAttemptRow, DeliveryRow } from "../db/queries/deliveries";
import type { Trigger } from "../lib/types";

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/**
 * A delivery whose payload template failed at fan-out: it failed at once, with nothing rendered
 * to send, so it cannot be sent again (a fixed template applies to later triggers).
 */
export const isUnrendered = (row: Pick<DeliveryRow, "payload">) => row.payload === "";

export function serializeDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    webhook_id: row.webhookId,
    integration_id: row.integrationId,
    trigger: row.trigger as Trigger,
    event_uid: row.eventUid,
    entity_uid: row.entityUid,
    status: row.status,
    attempt_count: row.attemptCount,
    next_attempt_at: row.nextAttemptAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export function serializeAttempt(row: DeliveryAttemptRow) {
  return {
    attempt: row.attempt,
    started_at: row.startedAt,
    duration_ms: row.durationMs,
    status_code: row.statusCode,
    error: row.error,
    response_excerpt: row.responseExcerpt,
  };
}
