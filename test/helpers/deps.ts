import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Breaker } from "../../src/delivery/breaker";
import { EndpointScheduler } from "../../src/delivery/endpoint";
import type { QueueMessage } from "../../src/delivery/messages";
import { createDeps, type Deps } from "../../src/deps";
import type { Endpoints } from "../../src/durable-objects/endpoint/interface";
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
 * delays and nothing runs behind its back), endpoints that run in the test on these same
 * dependencies (inlineEndpoints), and optionally a pinned clock and jitter.
 */
export function recordingDeps(overrides: Partial<Deps> = {}) {
  const { queue, sent } = heldQueue();
  const deps = realDeps({ queue, ...overrides });
  if (!overrides.endpoints) deps.endpoints = inlineEndpoints(deps);
  return { deps, sent };
}

/**
 * The endpoint schedulers (src/delivery/endpoint.ts, the code the ENDPOINT Durable Object hosts)
 * run in the test on `deps`, so a pinned clock reaches them: each `wake` returns once the sends it
 * started are recorded. Breakers live in `breakers` (share it to carry one across calls); the
 * rounds an endpoint asks for later are noted in `alarms`, not run.
 */
export function inlineEndpoints(
  deps: Deps,
  breakers = new Map<string, Breaker>(),
): Endpoints & { alarms: Map<string, number> } {
  const schedulers = new Map<string, EndpointScheduler>();
  const alarms = new Map<string, number>();
  const schedulerOf = (webhookId: string) => {
    let scheduler = schedulers.get(webhookId);
    if (!scheduler) {
      scheduler = new EndpointScheduler(
        deps,
        {
          loadBreaker: async () => breakers.get(webhookId),
          saveBreaker: async (breaker) => void breakers.set(webhookId, breaker),
          wakeAt: async (at) => void alarms.set(webhookId, at),
        },
        webhookId,
      );
      schedulers.set(webhookId, scheduler);
    }
    return scheduler;
  };
  return {
    alarms,
    async wake(webhookId) {
      const scheduler = schedulerOf(webhookId);
      await scheduler.pump();
      await scheduler.settled();
    },
  };
}

/** Endpoints that only note which webhooks were woken (what the sweeper pokes, say). */
export function recordingEndpoints(): Endpoints & { woken: string[] } {
  const woken: string[] = [];
  return { woken, wake: async (webhookId) => void woken.push(webhookId) };
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
