import { createDb, type Database } from "../db/client";
import type { QueueMessage } from "./messages";

/** The default time a receiver has to answer (§6: success is any 2xx within 15 s). */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** Env vars the delivery code reads beyond the generated `Env` (optional, for tests). */
type DeliveryVars = {
  /** Overrides the 15 s request timeout (tests only; unset in production). */
  DELIVERY_TIMEOUT_MS?: string;
};

/** The part of the TRIGGERS producer delivery uses (a test can record instead of sending). */
export type MessageSender = {
  send(body: QueueMessage, options?: { delaySeconds?: number }): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: QueueMessage; delaySeconds?: number }>): Promise<unknown>;
};

/** Everything delivery needs from the outside, so tests can pin time, jitter and the queue. */
export type DeliveryDeps = {
  db: Database;
  queue: MessageSender;
  secretsKey: string;
  targets: { allowHttp: boolean; allowPrivate: boolean };
  timeoutMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  random: () => number;
  fetch: typeof fetch;
};

export function deliveryDeps(env: Env & DeliveryVars): DeliveryDeps {
  const timeout = Number(env.DELIVERY_TIMEOUT_MS);
  return {
    db: createDb(env.DB),
    queue: env.TRIGGERS as Queue<QueueMessage>,
    secretsKey: env.SECRETS_KEY,
    targets: {
      allowHttp: env.ALLOW_HTTP_TARGETS === "true",
      allowPrivate: env.ALLOW_PRIVATE_TARGETS === "true",
    },
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS,
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
