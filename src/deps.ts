import { createDb, createDeliveriesDb, type Database } from "./db/client";
import type { RequestSession } from "./db/session";
import type { MessageSender } from "./delivery/messages";
import { type TargetPolicy, targetPolicyFrom } from "./delivery/target-policy";
import { endpoints } from "./durable-objects/endpoint/client";
import type { Endpoints } from "./durable-objects/endpoint/interface";
import { profileLocks } from "./durable-objects/profile-lock/client";
import type { ProfileLocks } from "./durable-objects/profile-lock/interface";
import { createLogger, type Logger } from "./lib/log";

/** The default time a receiver has to answer (§6: success is any 2xx within 15 s). */
export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Everything services and delivery need from the outside, made once per request or queue batch.
 * Tests replace any part: pin the clock or the jitter, record queue sends, fail D1.
 */
export type Deps = {
  db: Database;
  /**
   * The delivery log (deliveries, attempts): DELIVERIES_DB, possibly another database than `db`.
   * Never in a statement or batch with `db`'s tables; its queries run on its primary.
   */
  deliveriesDb: Database;
  /**
   * Resolves once the request's key check has passed (at once outside a request). A request that
   * reads only the delivery log runs it beside that read: one round trip, checked before use.
   */
  checked: () => Promise<void>;
  /**
   * Runs `work` against the primary. A request reads from the nearest replica (src/db/session.ts):
   * a miss is confirmed here before answering 404, and a lost compare-and-set re-reads here.
   */
  onPrimary: <T>(work: () => Promise<T>) => Promise<T>;
  /** The TRIGGERS producer. */
  queue: MessageSender;
  /** Work that may finish after the response (a queue send the outbox sweeper backs up). */
  waitUntil: (promise: Promise<unknown>) => void;
  locks: ProfileLocks;
  /** Each webhook's endpoint scheduler (the ENDPOINT Durable Object): woken when it has work. */
  endpoints: Endpoints;
  log: Logger;
  /** Encrypts webhook header values and signing secrets at rest. */
  secretsKey: string;
  targets: TargetPolicy;
  timeoutMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** [0, 1), like Math.random: retry jitter. */
  random: () => number;
  fetch: typeof fetch;
};

type DepsEnv = Pick<
  Env,
  | "DB"
  | "DELIVERIES_DB"
  | "TRIGGERS"
  | "PROFILE_LOCK"
  | "ENDPOINT"
  | "SECRETS_KEY"
  | "ALLOW_HTTP_TARGETS"
  | "ALLOW_PRIVATE_TARGETS"
>;

export function createDeps(
  env: DepsEnv,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  options: { log?: Logger; session?: RequestSession } = {},
): Deps {
  const { session, log = createLogger() } = options;
  return {
    db: createDb(env.DB),
    deliveriesDb: createDeliveriesDb(env.DELIVERIES_DB),
    checked: session ? () => session.settle() : () => Promise.resolve(),
    // Outside a request (consumer, cron, Durable Object) every query already runs on the primary.
    onPrimary: session ? (work) => session.onPrimary(work) : (work) => work(),
    queue: env.TRIGGERS,
    waitUntil: (promise) => ctx.waitUntil(promise),
    locks: profileLocks(env),
    endpoints: endpoints(env),
    log,
    secretsKey: env.SECRETS_KEY,
    targets: targetPolicyFrom(env),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    now: () => Date.now(),
    random: Math.random,
    fetch: (input, init) => fetch(input, init),
  };
}
