import { createDb, type Database } from "../db/client";
import type { OutgoingMessage, QueueMessage } from "./messages";
import { type TargetPolicy, targetPolicyFrom } from "./target-policy";

/** The default time a receiver has to answer (§6: success is any 2xx within 15 s). */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The part of the TRIGGERS producer delivery uses (a test can record instead of sending). */
export type MessageSender = {
  sendBatch(messages: Iterable<OutgoingMessage>): Promise<unknown>;
};

/** Everything delivery needs from the outside, so tests can pin time, jitter and the queue. */
export type DeliveryDeps = {
  db: Database;
  queue: MessageSender;
  secretsKey: string;
  targets: TargetPolicy;
  timeoutMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  random: () => number;
  fetch: typeof fetch;
};

/** The real dependencies; tests replace any of them (test/delivery/seed.ts `testDeps`). */
export function deliveryDeps(env: Env): DeliveryDeps {
  return {
    db: createDb(env.DB),
    queue: env.TRIGGERS as Queue<QueueMessage>,
    secretsKey: env.SECRETS_KEY,
    targets: targetPolicyFrom(env),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    now: () => Date.now(),
    random: Math.random,
    fetch: (input, init) => fetch(input, init),
  };
}

/** The longest delay a Queues message may carry (12 h); longer waits are chained. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
