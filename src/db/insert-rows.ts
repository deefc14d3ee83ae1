import { type Column, getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** A statement as SQL and its values, for D1 directly (no drizzle: built once, bound each time). */
export type RawStatement = { sql: string; params: unknown[] };

type Row<T extends SQLiteTable> = T["$inferSelect"];

/** The JSON parameter of one statement stays well under D1's 2 MB for a string. */
const MAX_JSON_CHARS = 500_000;

/**
 * Rows of `table` as JSON (an array of arrays, a column each in the order of `keys`) for SQL
 * that reads them with `json_each`: any number of rows in one statement, past D1's 100 bound
 * parameters, and the SQL built once per table and keys instead of once per call. Values go
 * through each column's encoding (booleans, JSON columns), as in drizzle's own statements.
 */
function jsonRows<T extends SQLiteTable, K extends keyof Row<T> & string>(
  table: T,
  keys: readonly K[],
) {
  const columns = getTableColumns(table);
  const picked = keys.map((key) => columns[key] as Column);
  return {
    names: picked.map((column) => `"${column.name}"`),
    values: (alias: string) => picked.map((_, i) => `json_extract(${alias}.value, '$[${i}]')`),
    /** Each row's JSON array, to join into chunks. */
    json: (rows: readonly Pick<Row<T>, K>[]) =>
      rows.map((row) =>
        JSON.stringify(
          keys.map((key, i) => {
            const value = row[key];
            return value === null || value === undefined
              ? null
              : (picked[i] as Column).mapToDriverValue(value);
          }),
        ),
      ),
  };
}

/** The rows' JSON arrays joined into as few JSON parameters as MAX_JSON_CHARS allows. */
function chunked(json: readonly string[]): string[] {
  const chunks: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const row of json) {
    if (chunk.length > 0 && size + row.length > MAX_JSON_CHARS) {
      chunks.push(`[${chunk.join(",")}]`);
      chunk = [];
      size = 0;
    }
    chunk.push(row);
    size += row.length + 1;
  }
  if (chunk.length > 0) chunks.push(`[${chunk.join(",")}]`);
  return chunks;
}

/**
 * Statements inserting `rows` into `table`, every column of `keys` given, as many rows per
 * statement as one JSON parameter holds (one for most batches); a row that would break a unique
 * index is skipped (`ON CONFLICT DO NOTHING`). For the hot writes: deliveries, attempts.
 */
export function insertJsonRowsOnce<T extends SQLiteTable, K extends keyof Row<T> & string>(
  table: T,
  keys: readonly K[],
) {
  const json = jsonRows(table, keys);
  // `WHERE true`: SQLite's grammar needs it before an upsert clause after a SELECT.
  const sql = `INSERT INTO "${getTableName(table)}" (${json.names.join(", ")})
    SELECT ${json.values("j").join(", ")} FROM json_each(?) AS j WHERE true ON CONFLICT DO NOTHING`;
  return (rows: readonly Pick<Row<T>, K>[]): RawStatement[] =>
    chunked(json.json(rows)).map((param) => ({ sql, params: [param] }));
}

/**
 * Statements updating rows of `table` found by `key`, each to its own values of `keys` (and
 * every row by `also`, SQL assignments; only rows matching `where` on the table, if given).
 * Write each column in `where` with a unary `+` (`+"t"."status" = 'pending'`): without it SQLite
 * may drive the update from that column's index and run `json_each` once per row the index finds
 * (every pending trigger, for the consumer's mark), instead of looking the given keys up.
 */
export function updateJsonRows<
  T extends SQLiteTable,
  Key extends keyof Row<T> & string,
  K extends keyof Row<T> & string,
>(table: T, key: Key, keys: readonly K[], clauses: { also?: string; where?: string } = {}) {
  const json = jsonRows<T, Key | K>(table, [key, ...keys]);
  const [keyName, ...names] = json.names;
  const [keyValue, ...values] = json.values("j");
  const sets = [...names.map((name, i) => `${name} = ${values[i]}`), clauses.also ?? []].flat();
  const name = getTableName(table);
  const sql = `UPDATE "${name}" SET ${sets.join(", ")} FROM json_each(?) AS j
    WHERE "${name}".${keyName} = ${keyValue}${clauses.where ? ` AND (${clauses.where})` : ""}`;
  return (rows: readonly Pick<Row<T>, Key | K>[]): RawStatement[] =>
    chunked(json.json(rows)).map((param) => ({ sql, params: [param] }));
}
