import { markDeliveryFailed } from "../db/queries/deliveries";
import { markTriggerFailed } from "../db/queries/triggers";
import { createDeps, type Deps } from "../deps";
import { errorName } from "../lib/log";
import { iso } from "../lib/time";
import { attemptDelivery, recordAttempts, sendAttempt } from "./attempt";
import { fanOutTrigger } from "./fanout";
import {
  deliverMessage,
  MAX_QUEUE_DELAY_SECONDS,
  type QueueMessage,
  sendMessages,
} from "./messages";

/** The dead-letter queue: messages that failed every retry land here (wrangler.toml). */
export const DEAD_LETTER_QUEUE = "weft-triggers-dlq";

/** The TRIGGERS queue consumer, and the dead-letter queue's. */
export async function handleQueue(
  batch: MessageBatch<QueueMessage>,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  await processBatch(batch, createDeps(env, ctx));
}

/**
 * Handles every message concurrently (one slow receiver holds up nobody) and acks each on its own;
 * a message that throws is retried with backoff, and after `max_retries` goes to the dead-letter queue.
 */
export async function processBatch(batch: MessageBatch<QueueMessage>, deps: Deps): Promise<void> {
  const deadLetter = batch.queue === DEAD_LETTER_QUEUE;
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        if (deadLetter) await bury(deps, message.body);
        else await handleMessage(deps, message.body);
        message.ack();
      } catch (error) {
        deps.log.error("queue message failed; retried", {
          message_id: message.id,
          attempts: message.attempts,
          error: errorName(error),
        });
        message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
      }
    }),
  );
}

export async function handleMessage(deps: Deps, body: QueueMessage): Promise<void> {
  if (body.type === "trigger") {
    const { fresh, pending } = await fanOutTrigger(deps, body.triggerId);
    await Promise.all([
      // Sent concurrently, recorded together in one batch once the slowest has answered.
      Promise.all(fresh.map(({ delivery, webhook }) => sendAttempt(deps, delivery, webhook))).then(
        (sent) => recordAttempts(deps, sent),
      ),
      ...pending.map((id) => attemptDelivery(deps, id)),
    ]);
    return;
  }
  if (body.type === "deliver") {
    await deliverWhenDue(deps, body.deliveryId);
    return;
  }
  deps.log.error("unknown queue message", { type: String((body as { type?: unknown }).type) });
}

/**
 * Attempts a delivery if it is due; one that is not yet due (a wait longer than the queue's 12 h
 * maximum delay) is sent on again with the remaining delay.
 */
async function deliverWhenDue(deps: Deps, deliveryId: string): Promise<void> {
  const outcome = await attemptDelivery(deps, deliveryId);
  if (outcome.kind !== "skipped" || !outcome.dueAt) return;
  const waitSeconds = Math.ceil((Date.parse(outcome.dueAt) - deps.now()) / 1000);
  const delaySeconds = Math.min(waitSeconds, MAX_QUEUE_DELAY_SECONDS);
  await sendMessages(deps.queue, [deliverMessage(deliveryId, delaySeconds)]);
}

/** A message that exhausted its retries: its trigger or delivery ends `failed`, never lost. */
async function bury(deps: Deps, body: QueueMessage): Promise<void> {
  const at = iso(deps.now());
  if (body.type === "trigger") await markTriggerFailed(deps.db, body.triggerId, at);
  else if (body.type === "deliver") await markDeliveryFailed(deps.db, body.deliveryId, at);
  deps.log.error("dead-lettered", {
    type: body.type,
    trigger_id: body.type === "trigger" ? body.triggerId : undefined,
    delivery_id: body.type === "deliver" ? body.deliveryId : undefined,
  });
}
