import { buryDelivery, deliveryDue } from "../db/queries/deliveries";
import { buryTrigger } from "../db/queries/triggers";
import { createDeps, type Deps } from "../deps";
import { newId } from "../lib/ids";
import { errorName } from "../lib/log";
import { iso } from "../lib/time";
import { DUE_GRACE_MS } from "./attempt";
import { wakeEndpoints } from "./endpoint";
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
 * Handles every message concurrently and acks each on its own; a message that throws is retried
 * with backoff, and after `max_retries` goes to the dead-letter queue. No message waits for a
 * receiver: the consumer fans out and wakes endpoints, which send (delivery/endpoint.ts).
 */
export async function processBatch(batch: MessageBatch<QueueMessage>, deps: Deps): Promise<void> {
  const deadLetter = batch.queue === DEAD_LETTER_QUEUE;
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        if (deadLetter) await bury(deps, message);
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
    await wakeEndpoints(deps, await fanOutTrigger(deps, body.triggerId));
    return;
  }
  if (body.type === "deliver") {
    await deliverWhenDue(deps, body.deliveryId);
    return;
  }
  deps.log.error("unknown queue message", { type: String((body as { type?: unknown }).type) });
}

/**
 * A delivery's retry (or redelivery) is due: wake its endpoint, which sends it within its limits.
 * One not yet due (a wait longer than the queue's 12 h maximum delay) is sent on again with the
 * remaining delay.
 */
async function deliverWhenDue(deps: Deps, deliveryId: string): Promise<void> {
  const [row] = await deliveryDue(deps.deliveriesDb, deliveryId);
  if (row?.status !== "pending" || !row.nextAttemptAt) return;
  const waitMs = Date.parse(row.nextAttemptAt) - deps.now();
  if (waitMs <= DUE_GRACE_MS) {
    await deps.endpoints.wake(row.webhookId);
    return;
  }
  const delaySeconds = Math.min(Math.ceil(waitMs / 1000), MAX_QUEUE_DELAY_SECONDS);
  await sendMessages(deps.queue, [deliverMessage(deliveryId, delaySeconds)]);
}

/**
 * A message that exhausted its retries. Its trigger or delivery ends `failed`, saying why, unless
 * something newer is in flight for it (the sweeper re-sent the trigger, or the delivery was
 * attempted, redelivered or queued again since this message was sent): then the newer one decides.
 * Either way the message is acked, so a poison message ends here.
 */
async function bury(deps: Deps, message: Message<QueueMessage>): Promise<void> {
  const { body } = message;
  const at = iso(deps.now());
  const sentAt = iso(message.timestamp.getTime());
  const error = `Dead-lettered: the queue gave up on its message after ${message.attempts} tries.`;
  let ended = false;
  if (body.type === "trigger") {
    ended = (await buryTrigger(deps.db, body.triggerId, { sentAt, at, error })).length > 0;
  } else if (body.type === "deliver") {
    const end = { attemptId: newId("att"), sentAt, at, error };
    const [, updated] = await deps.deliveriesDb.batch(
      buryDelivery(deps.deliveriesDb, body.deliveryId, end),
    );
    ended = updated.length > 0;
  }
  deps.log.error(ended ? "dead-lettered" : "dead-lettered; a newer message decides", {
    type: body.type,
    trigger_id: body.type === "trigger" ? body.triggerId : undefined,
    delivery_id: body.type === "deliver" ? body.deliveryId : undefined,
  });
}
