import { ApiError } from "../errors";

// A read-modify-write is guarded by its row's `updated_at`: the update writes NULL into that NOT
// NULL column when the row changed since it was read, which fails the whole D1 batch (its trigger
// included) with SQLite's message. The change is then read and applied again.

/** Whether a failed D1 batch failed with this SQLite message (it may be wrapped in causes). */
export function failedWith(error: unknown, message: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(message)) return true;
  }
  return false;
}

const CHANGE_TRIES = 3;

/**
 * Runs `change` again when it failed with `changedMessage` (a concurrent change beat it); after
 * three tries, 409 naming `what`.
 */
export async function retryWhenChanged<T>(
  changedMessage: string,
  what: string,
  change: () => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await change();
    } catch (error) {
      if (!failedWith(error, changedMessage)) throw error;
      if (tries >= CHANGE_TRIES) {
        throw new ApiError("CONFLICT", `The ${what} kept changing while this was applied; retry.`);
      }
    }
  }
}
