import { getTableColumns } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Statement } from "./batch";
import type { Database } from "./client";

/** D1 binds at most 100 parameters per statement. */
const MAX_BOUND_PARAMETERS = 100;

/**
 * Statements inserting `rows` into `table`, as many rows per statement as D1's parameter limit
 * allows (a Worker invocation may run at most 1,000 statements: a bulk action's 500 deliveries
 * must not cost 500). Rows that would break a unique index are skipped (`ON CONFLICT DO NOTHING`).
 */
export function insertRowsOnce<T extends SQLiteTable>(
  db: Database,
  table: T,
  rows: readonly T["$inferInsert"][],
): Statement[] {
  const perStatement = Math.max(
    1,
    Math.floor(MAX_BOUND_PARAMETERS / Object.keys(getTableColumns(table)).length),
  );
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    statements.push(db.insert(table).values(chunk).onConflictDoNothing() as Statement);
  }
  return statements;
}
