import { failedWith } from "../db/failed-with";
import type { Deps } from "../deps";
import { ApiError } from "../errors";

// A read-modify-write is guarded by its row's `updated_at`: the update writes NULL into that NOT
// NULL column when the row changed since it was read, which fails the whole D1 batch (its trigger
// included) with SQLite's message. The change is then read and applied again.

const CHANGE_TRIES = 3;

/**
 * Runs `change` again when it failed with `changedMessage` (a concurrent change beat it), reading
 * on the primary (a replica may not have the change that won yet); after three tries, 409 naming
 * `what`.
 */
export async function retryWhenChanged<T>(
  deps: Deps,
  changedMessages: string | readonly string[],
  what: string,
  change: () => Promise<T>,
): Promise<T> {
  const messages = typeof changedMessages === "string" ? [changedMessages] : changedMessages;
  for (let tries = 1; ; tries++) {
    try {
      return await (tries === 1 ? change() : deps.onPrimary(change));
    } catch (error) {
      if (!messages.some((message) => failedWith(error, message))) throw error;
      if (tries >= CHANGE_TRIES) {
        throw new ApiError("CONFLICT", `The ${what} kept changing while this was applied; retry.`);
      }
    }
  }
}
