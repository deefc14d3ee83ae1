import { env } from "cloudflare:workers";
import type { QueueMessage } from "../../src/delivery/messages";
import { createDeps, type Deps } from "../../src/deps";

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
  const sent: SentMessage[] = [];
  const queue: Deps["queue"] = {
    async sendBatch(messages) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  return { deps: realDeps({ queue, ...overrides }), sent };
}
