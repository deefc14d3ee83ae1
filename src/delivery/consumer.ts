import { buryDelivery, deliveryDue } from "../db/queries/deliveries";
import { buryTrigger } from "../db/queries/triggers";
import { createDeps, type Deps } from "../deps";
import { newId } from "../lib/ids";
import { errorName } from "../lib/log";
import { iso } from "../lib/time";
import { DUE_GRACE_MS } from "./attempt";
import { wakeEndpoints } from "./endpoint";
import {
  commitFanOuts,
  type FanOutPlan,
  type PlanContext,
  planContext,
  planFanOut,
} from "./fanout";
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
 * receiver: the consumer reads each trigger's route, writes the batch's fan-outs together, then
 * wakes each endpoint the batch gave work once (an endpoint that cannot be woken retries the
 * messages that gave it work), and the endpoints send.
 */
export async function processBatch(batch: MessageBatch<QueueMessage>, deps: Deps): Promise<void> {
  const retry = (message: Message<QueueMessage>, error: unknown) => {
    deps.log.error("queue message failed; retried", {
      message_id: message.id,
      attempts: message.attempts,
      error: errorName(error),
    });
    message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
  };
  if (batch.queue === DEAD_LETTER_QUEUE) {
    await Promise.all(
      batch.messages.map((message) =>
        bury(deps, message).then(
          () => message.ack(),
          (error) => retry(message, error),
        ),
      ),
    );
    return;
  }
  const context = planContext(
    deps,
    batch.messages.flatMap(({ body }) => (body.type === "trigger" ? [body.triggerId] : [])),
  );
  const prepared = await Promise.all(
    batch.messages.map(async (message) => {
      try {
        return { message, plan: await prepare(deps, message.body, context) };
      } catch (error) {
        retry(message, error);
        return undefined;
      }
    }),
  );
  const ready = await commitFanOutsOf(
    deps,
    prepared.filter((item) => item !== undefined),
    retry,
  );
  const unreachable = new Map<string, unknown>();
  const webhookIds = new Set(ready.flatMap((item) => item.plan.webhookIds));
  await Promise.all(
    [...webhookIds].map((id) =>
      deps.endpoints.wake(id).catch((error: unknown) => unreachable.set(id, error)),
    ),
  );
  for (const { message, plan } of ready) {
    const failed = plan.webhookIds.find((id) => unreachable.has(id));
    if (failed) retry(message, unreachable.get(failed));
    else message.ack();
  }
}

type Prepared = { message: Message<QueueMessage>; plan: FanOutPlan };

/**
 * Writes the batch's fan-outs together (one write per database instead of two per trigger);
 * returns the messages whose fan-out is written. If that write fails for a batch of several, one
 * message's may be the cause (a poison message): each is written on its own, and only those whose
 * own write fails are retried.
 */
async function commitFanOutsOf(
  deps: Deps,
  prepared: Prepared[],
  retry: (message: Message<QueueMessage>, error: unknown) => void,
): Promise<Prepared[]> {
  try {
    await commitFanOuts(
      deps,
      prepared.map((item) => item.plan),
    );
    return prepared;
  } catch (error) {
    if (prepared.length === 1) {
      for (const { message } of prepared) retry(message, error);
      return [];
    }
  }
  const written = await Promise.all(
    prepared.map((item) =>
      commitFanOuts(deps, [item.plan]).then(
        () => item,
        (error) => void retry(item.message, error),
      ),
    ),
  );
  return written.filter((item) => item !== undefined);
}

/** Handles one message: its work, then waking the endpoints it gave work. */
export async function handleMessage(deps: Deps, body: QueueMessage): Promise<void> {
  const plan = await prepare(deps, body);
  await commitFanOuts(deps, [plan]);
  await wakeEndpoints(deps, plan.webhookIds);
}

/** A message's work before any write of fan-out: what to write, which endpoints then have work. */
async function prepare(deps: Deps, body: QueueMessage, context?: PlanContext): Promise<FanOutPlan> {
  if (body.type === "trigger") return planFanOut(deps, body.triggerId, context);
  const nothing = { inserts: [], processed: [], webhookIds: [] };
  if (body.type === "deliver") {
    return { ...nothing, webhookIds: await deliverWhenDue(deps, body.deliveryId) };
  }
  deps.log.error("unknown queue message", { type: String((body as { type?: unknown }).type) });
  return nothing;
}

/**
 * A delivery's retry (or redelivery) is due: its endpoint sends it within its limits. One not yet
 * due (a wait longer than the queue's 12 h maximum delay) is sent on again with the remaining delay.
 */
async function deliverWhenDue(deps: Deps, deliveryId: string): Promise<string[]> {
  const [row] = await deliveryDue(deps.deliveriesDb, deliveryId);
  if (row?.status !== "pending" || !row.nextAttemptAt) return [];
  const waitMs = Date.parse(row.nextAttemptAt) - deps.now();
  if (waitMs <= DUE_GRACE_MS) return [row.webhookId];
  const delaySeconds = Math.min(Math.ceil(waitMs / 1000), MAX_QUEUE_DELAY_SECONDS);
  await sendMessages(deps.queue, [deliverMessage(deliveryId, delaySeconds)]);
  return [];
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
