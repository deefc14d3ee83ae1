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

/** A write for `runWrites`: a drizzle statement, or a raw one (db/insert-rows.ts). */
export type Write = Statement | RawStatement;

/**
 * Runs statements as one D1 batch straight on the client, without reading their results back:
 * raw ones as they are, drizzle ones as their SQL. For writes; an empty list does nothing.
 */
export async function runWrites(db: Database, statements: readonly Write[]): Promise<void> {
  if (statements.length === 0) return;
  const client = db.$client;
  await client.batch(
    statements.map((statement) => {
      // A drizzle item's `_prepare()` is what drizzle's own batch runs (builders and prepared writes).
      const { sql, params } =
        "_prepare" in statement
          ? (statement as unknown as { _prepare(): { getQuery(): RawStatement } })
              ._prepare()
              .getQuery()
          : (statement as RawStatement);
      return client.prepare(sql).bind(...params);
    }),
  );
}
