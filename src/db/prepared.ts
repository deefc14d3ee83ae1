import { fillPlaceholders, type Query } from "drizzle-orm";
import type { Database } from "./client";

// drizzle builds a query's SQL anew each time it runs, and on the hot paths (every key lookup,
// every page of attendees, every trigger fanned out) that cost more CPU than D1 running it
// (bench/README.md). A query prepared here is built once per isolate and shape; its values go in
// through `sql.placeholder(name)` each time it runs. Placeholders are bound as given, without the
// column's encoding: use them for text and numbers, literals for booleans and JSON.

/** What a prepared drizzle select offers (`SQLitePreparedQuery`), with the rows it returns. */
export type PreparedSelect<Rows> = {
  getQuery(): Query;
  mapResult(response: unknown, isFromBatch?: boolean): unknown;
  all(values?: Record<string, unknown>): Promise<Rows>;
};

type Values = Record<string, unknown>;
type Bound = readonly [PreparedSelect<unknown[]>, Values];
type RowsOf<B> = B extends readonly [PreparedSelect<infer Rows>, Values] ? Rows : never;

const preparedByDb = new WeakMap<Database, Map<string, unknown>>();

/**
 * The query (or queries) of this `shape` prepared for `db`, built by `build` the first time. The
 * shape names everything that changes the SQL (which filters are set; lists go in through `inList`).
 */
export function prepared<T>(db: Database, shape: string, build: () => T): T {
  let byShape = preparedByDb.get(db);
  if (!byShape) {
    byShape = new Map();
    preparedByDb.set(db, byShape);
  }
  let query = byShape.get(shape) as T | undefined;
  if (!query) {
    query = build();
    byShape.set(shape, query);
  }
  return query;
}

type Results<B extends readonly Bound[]> = { -readonly [K in keyof B]: RowsOf<B[K]> };

/**
 * Prepared selects, each with its values, as plain statements (to run in one batch, or to ride on
 * another batch: db/session.ts) and how to read their rows back from the batch's results.
 */
export function asStatements<const B extends readonly Bound[]>(queries: B) {
  return {
    statements: queries.map(([query, values]) => {
      const { sql, params } = query.getQuery();
      return { sql, params: fillPlaceholders(params, values) };
    }),
    read: (results: readonly D1Result[]) =>
      results.map((result, index) => queries[index][0].mapResult(result, true)) as Results<B>,
  };
}

/** Runs prepared selects, each with its values, in one D1 round trip (`db.batch` takes builders). */
export async function batchPrepared<const B extends readonly Bound[]>(
  db: Database,
  queries: B,
): Promise<Results<B>> {
  const { statements, read } = asStatements(queries);
  const client = db.$client;
  return read(await client.batch(statements.map((s) => client.prepare(s.sql).bind(...s.params))));
}
