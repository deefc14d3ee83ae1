import { env } from "cloudflare:workers";
import { createDeps, type Deps } from "../../src/deps";

/** Work handed to waitUntil by services called directly; `settled()` waits for all of it. */
const pending: Promise<unknown>[] = [];

/** The Worker's real dependencies, for calling a service or the consumer directly. */
export function realDeps(overrides: Partial<Deps> = {}): Deps {
  return { ...createDeps(env, { waitUntil: (promise) => pending.push(promise) }), ...overrides };
}

/** Waits for everything services started after their answer (queue sends). */
export async function settled(): Promise<void> {
  await Promise.allSettled(pending.splice(0));
}
