import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./client";

/** A statement to run in a batch: D1 has no interactive transactions, a batch is all or nothing. */
export type Statement = BatchItem<"sqlite">;

/** What each statement of a batch gives back, in order. */
export type BatchResults<T extends readonly Statement[]> = {
  -readonly [K in keyof T]: Awaited<T[K]>;
};

/** Runs statements as one D1 batch (one round trip, all or nothing); an empty list does nothing. */
export async function runBatch(db: Database, statements: readonly Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  return first ? db.batch([first, ...rest]) : [];
}
