import type { Deps } from "../deps";

/**
 * Runs a read of something the request names; when it finds nothing, runs it again on the
 * primary before the caller answers 404: a replica may not have a resource created a moment ago
 * (db/session.ts), and "not found" must mean it does not exist.
 */
export async function confirmed<T>(deps: Deps, read: () => Promise<T | undefined>) {
  return (await read()) ?? (await deps.onPrimary(read));
}
