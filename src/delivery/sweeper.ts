import { deleteDeliveriesBefore, overduePendingDeliveries } from "../db/queries/deliveries";
import { deleteIdempotencyKeysBefore, IDEMPOTENCY_WINDOW_SECONDS } from "../db/queries/idempotency";
import { deleteOrphanOverridesBefore } from "../db/queries/overrides";
import { deleteFinishedTriggersBefore, stalePendingTriggers } from "../db/queries/triggers";
import type { Deps } from "../deps";
import { iso } from "../lib/time";
import { deliverMessage, sendMessages, triggerMessage } from "./messages";

/** A trigger or due delivery untouched this long has lost its queue message. */
export const SWEEP_AFTER_SECONDS = 60;
/** Deliveries, their attempts and finished triggers are kept this long (§6). */
export const RETENTION_SECONDS = 30 * 24 * 3600;
/** Rows re-sent per run and kind; a bigger backlog drains over the next minutes. */
const SWEEP_BATCH = 100;

export type SweepResult = { triggers: number; deliveries: number };

/**
 * Re-sends messages that were lost: triggers still pending after a minute, and pending deliveries
 * more than a minute past due and not locked by an attempt. Then deletes what outlived retention.
 */
export async function sweep(deps: Deps): Promise<SweepResult> {
  const { db } = deps;
  const now = deps.now();
  const before = iso(now - SWEEP_AFTER_SECONDS * 1000);
  const [staleTriggers, lostDeliveries] = await db.batch([
    stalePendingTriggers(db, before, SWEEP_BATCH),
    overduePendingDeliveries(db, before, iso(now), SWEEP_BATCH),
  ]);
  await sendMessages(deps.queue, [
    ...staleTriggers.map(({ id }) => triggerMessage(id)),
    ...lostDeliveries.map(({ id }) => deliverMessage(id)),
  ]);

  const expired = iso(now - RETENTION_SECONDS * 1000);
  await db.batch([
    ...deleteDeliveriesBefore(db, expired),
    deleteFinishedTriggersBefore(db, expired),
    deleteOrphanOverridesBefore(db, expired),
    deleteIdempotencyKeysBefore(db, iso(now - IDEMPOTENCY_WINDOW_SECONDS * 1000)),
  ]);
  return { triggers: staleTriggers.length, deliveries: lostDeliveries.length };
}
