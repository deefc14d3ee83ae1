import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { QueueMessage } from "../../src/delivery/messages";
import { createDeps, type Deps } from "../../src/deps";
import worker from "../../src/index";

/**
 * Dependencies for calling a service, the consumer or the sweeper directly (most tests go through
 * the API instead): the Worker's real ones, with any part replaced.
 */

/** Work handed to waitUntil by services called directly; `settled()` waits for all of it. */
const pending: Promise<unknown>[] = [];

/** The Worker's real dependencies, with `overrides`. */
export function realDeps(overrides: Partial<Deps> = {}): Deps {
  return { ...createDeps(env, { waitUntil: (promise) => pending.push(promise) }), ...overrides };
}

/** Waits for everything services started after their answer (queue sends). */
export async function settled(): Promise<void> {
  await Promise.allSettled(pending.splice(0));
}

export type SentMessage = { body: QueueMessage; delaySeconds?: number };

/**
 * The real dependencies, except a queue that records what would be sent (so a test sees retry
 * delays and nothing runs behind its back), and optionally a pinned clock and jitter.
 */
export function recordingDeps(overrides: Partial<Deps> = {}) {
  const { queue, sent } = heldQueue();
  return { deps: realDeps({ queue, ...overrides }), sent };
}

/**
 * A TRIGGERS binding that holds back what the app queues, for `api(..., { env: { TRIGGERS } })`:
 * the change is stored, and its messages wait in `sent` for the test to hand on itself (to the
 * consumer, or to the real queue later).
 */
export function heldQueue() {
  const sent: SentMessage[] = [];
  const queue = {
    async send(body: QueueMessage, options?: QueueSendOptions) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<QueueMessage>>) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  return { queue: queue as unknown as Queue<QueueMessage>, sent };
}

/** A TRIGGERS binding whose every send fails, as when Queues is down after the D1 write. */
export function failingQueue(): Queue<QueueMessage> {
  const fail = () => Promise.reject(new Error("queue unavailable"));
  return { send: fail, sendBatch: fail } as unknown as Queue<QueueMessage>;
}

/** The Worker's cron (the outbox sweeper and retention), as the runtime runs it. */
export async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController(), env, ctx);
  await waitOnExecutionContext(ctx);
}
