import type { TriggerRow } from "../db/queries/triggers";
import type { Trigger } from "../lib/types";
import { SILENCE_REASONS } from "./routing";

/**
 * The trigger log (API.md §6): every change that could fire webhooks, kept 30 days with what
 * fan-out made of it: "fired" (its deliveries), or the first reason no webhook fired.
 */
export const TRIGGER_OUTCOMES = ["fired", ...SILENCE_REASONS] as const;
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];

export const TRIGGER_STATUSES = ["pending", "processed", "failed"] as const;

export function serializeTrigger(row: TriggerRow) {
  return {
    id: row.id,
    type: row.trigger as Trigger,
    event_uid: row.eventId,
    profile_uid: row.profileId,
    subject_uid: row.entityUid,
    cause: row.cause,
    webhook_id: row.webhookId,
    status: row.status,
    outcome: row.outcome as TriggerOutcome | null,
    delivery_count: row.deliveryCount,
    error: row.error,
    created_at: row.createdAt,
    processed_at: row.processedAt,
  };
}
