import { deleteDeliveriesBefore, overduePendingDeliveries } from "./db/queries/deliveries";
import { deleteOrphanOverridesBefore } from "./db/queries/events";
import { deleteIdempotencyKeysBefore } from "./db/queries/idempotency";
import { deleteFinishedTriggersBefore, stalePendingTriggers } from "./db/queries/triggers";
import { type DeliveryDeps, deliveryDeps, iso } from "./delivery/deps";
import { deliverMessage, sendMessages, triggerMessage } from "./delivery/messages";
import { IDEMPOTENCY_WINDOW_SECONDS } from "./middleware/idempotency";

/** A trigger or due delivery untouched this long has lost its queue message. */
export const SWEEP_AFTER_SECONDS = 60;
/** Deliveries, their attempts and finished triggers are kept this long (§6). */
export const RETENTION_SECONDS = 30 * 24 * 3600;
/** Rows re-sent per run and kind; a bigger backlog drains over the next minutes. */
const SWEEP_BATCH = 100;

/** The cron handler (every minute): the outbox sweeper and retention. */
export async function handleScheduled(
  _controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  await sweep(deliveryDeps(env));
}

export type SweepResult = { triggers: number; deliveries: number };

/**
 * Re-sends messages that were lost: triggers still pending after a minute, and pending deliveries
 * more than a minute past due and not locked by an attempt. Then deletes what outlived retention.
 */
export async function sweep(deps: DeliveryDeps): Promise<SweepResult> {
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
