import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./client";
import type { RawStatement } from "./insert-rows";

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

/** Runs raw statements as one D1 batch on the binding itself; an empty list does nothing. */
export async function runRawBatch(
  db: Database,
  statements: readonly RawStatement[],
): Promise<void> {
  if (statements.length === 0) return;
  const client = db.$client;
  await client.batch(statements.map(({ sql, params }) => client.prepare(sql).bind(...params)));
}
