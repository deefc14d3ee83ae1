import {
  getTableColumns,
  is,
  Param,
  Placeholder,
  type Query,
  type SQL,
  sql,
  type Table,
} from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Statement } from "./batch";
import type { Database } from "./client";
import { atMostOneRow } from "./session";

// drizzle builds a query's SQL anew each time it runs, and on the hot paths (every key lookup,
// every page of attendees, every trigger fanned out) that cost more CPU than D1 running it
// (bench/README.md). A query prepared here is built once per isolate and shape; its values go in
// through `sql.placeholder(name)` each time it runs. In a condition a placeholder is bound as given,
// without the column's encoding (use them for text and numbers, literals for booleans and JSON); in
// an insert's values it takes the column's encoding (`placeholdersOf`).

/** What a prepared drizzle select offers (`SQLitePreparedQuery`), with the rows it returns. */
export type PreparedSelect<Rows> = {
  getQuery(): Query;
  mapResult(response: unknown, isFromBatch?: boolean): unknown;
  all(values?: Record<string, unknown>): Promise<Rows>;
  /** It selects one row at most (`jsonQuery`). */
  oneRow?: boolean;
};

type Values = Record<string, unknown>;
type Bound = readonly [PreparedSelect<unknown>, Values];
type RowsOf<B> = B extends readonly [PreparedSelect<infer Rows>, Values] ? Rows : never;

const preparedByDb = new WeakMap<Database, Map<string, unknown>>();

type Filler = (values: Values) => unknown[];
const fillers = new WeakMap<readonly unknown[], Filler>();

/** The value of placeholder `name`; a missing one fails loudly, as drizzle's does. */
function placeholderValue(values: Values, name: string): unknown {
  if (!(name in values)) throw new Error(`No value for placeholder "${name}" was provided`);
  return values[name];
}

/**
 * drizzle's `fillPlaceholders`, with what each param is worked out once per prepared query: drizzle
 * asks `is()` (a walk up the prototypes) of every param on every run, 35 of them on a create.
 */
function fillPlaceholders(params: readonly unknown[], values: Values): unknown[] {
  let filler = fillers.get(params);
  if (!filler) {
    const steps = params.map((param): ((values: Values) => unknown) => {
      if (is(param, Placeholder)) return (given) => placeholderValue(given, param.name);
      if (is(param, Param) && is(param.value, Placeholder)) {
        const { encoder, value } = param;
        return (given) => encoder.mapToDriverValue(placeholderValue(given, value.name));
      }
      return () => param;
    });
    filler = (given) => steps.map((step) => step(given));
    fillers.set(params, filler);
  }
  return filler(values);
}

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

const dialect = new SQLiteAsyncDialect();

/**
 * A select of one row whose columns are each JSON text, a number or NULL (db/json-rows.ts),
 * prepared like a drizzle query to run alone or in a batch: it returns that row with its JSON
 * parsed, `Row` (undefined when it finds no row). Its values go in through `sql.placeholder`, as
 * for `prepared`.
 */
export function jsonQuery<Row>(db: Database, select: SQL): PreparedSelect<Row | undefined> {
  const query = dialect.sqlToQuery(select);
  const mapResult = (response: unknown) => {
    const row = (response as D1Result<Record<string, unknown>>).results[0];
    if (!row) return undefined;
    const parsed: Record<string, unknown> = {};
    for (const name in row) {
      const value = row[name];
      parsed[name] = typeof value === "string" ? JSON.parse(value) : value;
    }
    return parsed as Row;
  };
  return {
    getQuery: () => query,
    mapResult,
    oneRow: true,
    all: async (values = {}) => {
      const client = db.$client;
      const statement = client.prepare(query.sql).bind(...fillPlaceholders(query.params, values));
      return mapResult(await atMostOneRow(statement).all());
    },
  };
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
      return { sql, params: fillPlaceholders(params, values), oneRow: query.oneRow === true };
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
  const bound = statements.map((s) => {
    const statement = client.prepare(s.sql).bind(...s.params);
    return s.oneRow ? atMostOneRow(statement) : statement;
  });
  return read(await client.batch(bound));
}

/**
 * A prepared write, with its values, as a statement of a change's batch (`runBatch`, `db.batch`).
 * drizzle's batch calls each builder's `_prepare()`, which builds its SQL anew every time (on a
 * create that was a tenth of the request's own CPU); this offers the same `_prepare()` with the
 * SQL built once per isolate. Its result in the batch is D1's, as a builder's `run` gives it.
 */
export function preparedWrite(
  db: Database,
  query: { getQuery(): Query },
  values: Values,
): Statement {
  const { sql, params } = query.getQuery();
  const built = {
    stmt: db.$client.prepare(sql),
    getQuery: () => ({ sql, params: fillPlaceholders(params, values) }),
    mapResult: (result: unknown) => result,
  };
  // drizzle's batch needs only `_prepare()` of an item: not one of its builder classes.
  return { _prepare: () => built } as unknown as Statement;
}

/**
 * A placeholder for each column of `table`, named as its key: the values of a prepared insert of
 * whole rows (a missing value then fails loudly instead of writing the column's default).
 */
export function placeholdersOf<T extends Table>(
  table: T,
): { [K in keyof T["$inferInsert"]]: Placeholder<K & string> } {
  return Object.fromEntries(
    Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)]),
  ) as { [K in keyof T["$inferInsert"]]: Placeholder<K & string> };
}
