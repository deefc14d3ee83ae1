import { type Column, getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

// On the hot reads (every key check, every page of attendees, every event) the local D1 path
// costs CPU per batch and per value it hands back (D1 turns each cell into a JS value, then JSON,
// then a JS value again), and drizzle's row mapping more on top (bench/README.md "What limits
// it"). These reads let SQLite write their rows as JSON instead: one statement, one row of a few
// JSON columns (a row, a list of rows, a count; db/prepared.ts `jsonQuery`), each parsed with one
// JSON.parse. A row is a JSON array of its values in the table's column order, without the keys
// (fewer bytes to copy and parse), decoded in SQL the way drizzle's `mapFromDriverValue` decodes
// them; `readRow` names them. Both come from the table's own column definitions, so they cannot
// drift from drizzle's mapping (test/db/json-rows.test.ts compares them on every table read so).

/** A row of a table as `jsonRow` writes it. */
export type JsonRow = unknown[];

/** How one column becomes a JSON value equal to what drizzle's `mapFromDriverValue` gives. */
function jsonValue(column: Column, ref: SQL): SQL {
  switch (column.columnType) {
    case "SQLiteText":
    case "SQLiteInteger":
      return ref;
    // Stored JSON text, embedded as JSON (drizzle: JSON.parse).
    case "SQLiteTextJson":
      return sql`json(${ref})`;
    // drizzle: Number(value) === 1.
    case "SQLiteBoolean":
      return sql`json(CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} = 1 THEN 'true' ELSE 'false' END)`;
    // SQLite's JSON writes 15 significant digits (0.1 + 0.2 reads back as 0.3); 17 (`!` lifts
    // printf's cap of 16) read back as the very double D1 would hand over. A whole number (most
    // amounts) is written as the integer it equals, the same number to JSON.parse: printf cost a
    // third of a page of attendees' SQL (4 such columns a row).
    case "SQLiteReal":
      return sql`CASE WHEN ${ref} = CAST(${ref} AS INTEGER) THEN CAST(${ref} AS INTEGER)
        ELSE json(CASE WHEN ${ref} IS NULL THEN NULL ELSE printf('%!.17g', ${ref}) END) END`;
    default:
      throw new Error(`jsonRow: no JSON form for ${column.columnType} (${column.name})`);
  }
}

/**
 * `json_array(...)` of one row of `table`, its columns qualified by `from` (the table's name, or
 * the name of a subquery with its columns), each decoded as drizzle decodes it; then `extra`
 * values, if any (`readRow` leaves them out).
 */
export function jsonRow(
  table: SQLiteTable,
  from: string = getTableName(table),
  extra: SQL[] = [],
): SQL {
  const values = Object.values(getTableColumns(table)).map((column) =>
    jsonValue(column, sql`${sql.identifier(from)}.${sql.identifier(column.name)}`),
  );
  return sql`json_array(${sql.join([...values, ...extra], sql`, `)})`;
}

const readers = new WeakMap<SQLiteTable, (values: JsonRow) => unknown>();

/** Names the values of a row `jsonRow` wrote: the row as drizzle maps it (`$inferSelect`). */
export function readRow<T extends SQLiteTable>(table: T): (values: JsonRow) => T["$inferSelect"] {
  let reader = readers.get(table);
  if (!reader) {
    const keys = Object.keys(getTableColumns(table));
    reader = (values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) row[keys[i]] = values[i];
      return row;
    };
    readers.set(table, reader);
  }
  return reader as (values: JsonRow) => T["$inferSelect"];
}
