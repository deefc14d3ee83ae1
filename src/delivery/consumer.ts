import { markDeliveryFailed } from "../db/queries/deliveries";
import { markTriggerFailed } from "../db/queries/triggers";
import { attemptDelivery, recordAttempts, sendAttempt } from "./attempt";
import { type DeliveryDeps, deliveryDeps, iso, MAX_QUEUE_DELAY_SECONDS } from "./deps";
import { fanOutTrigger } from "./fanout";
import { deliverMessage, type QueueMessage, sendMessages } from "./messages";

/** The dead-letter queue: messages that failed every retry land here (wrangler.toml). */
export const DEAD_LETTER_QUEUE = "weft-triggers-dlq";

/** The TRIGGERS queue consumer, and the dead-letter queue's. */
export async function handleQueue(
  batch: MessageBatch<QueueMessage>,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  await processBatch(batch, deliveryDeps(env));
}

/**
 * Handles every message concurrently (one slow receiver holds up nobody) and acks each on its own;
 * a message that throws is retried with backoff, and after `max_retries` goes to the dead-letter queue.
 */
export async function processBatch(
  batch: MessageBatch<QueueMessage>,
  deps: DeliveryDeps,
): Promise<void> {
  const deadLetter = batch.queue === DEAD_LETTER_QUEUE;
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        if (deadLetter) await bury(deps, message.body);
        else await handleMessage(deps, message.body);
        message.ack();
      } catch (error) {
        console.error(`queue message ${message.id} failed: ${(error as Error).message}`);
        message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
      }
    }),
  );
}

export async function handleMessage(deps: DeliveryDeps, body: QueueMessage): Promise<void> {
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
  console.error(`unknown queue message: ${JSON.stringify(body).slice(0, 200)}`);
}

/**
 * Attempts a delivery if it is due; one that is not yet due (a wait longer than the queue's 12 h
 * maximum delay) is sent on again with the remaining delay.
 */
async function deliverWhenDue(deps: DeliveryDeps, deliveryId: string): Promise<void> {
  const outcome = await attemptDelivery(deps, deliveryId);
  if (outcome.kind !== "skipped" || !outcome.dueAt) return;
  const waitSeconds = Math.ceil((Date.parse(outcome.dueAt) - deps.now()) / 1000);
  const delaySeconds = Math.min(waitSeconds, MAX_QUEUE_DELAY_SECONDS);
  await sendMessages(deps.queue, [deliverMessage(deliveryId, delaySeconds)]);
}

/** A message that exhausted its retries: its trigger or delivery ends `failed`, never lost. */
async function bury(deps: DeliveryDeps, body: QueueMessage): Promise<void> {
  const at = iso(deps.now());
  if (body.type === "trigger") await markTriggerFailed(deps.db, body.triggerId, at);
  else if (body.type === "deliver") await markDeliveryFailed(deps.db, body.deliveryId, at);
  console.error(`dead-lettered: ${JSON.stringify(body).slice(0, 200)}`);
}
