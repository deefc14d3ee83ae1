import { asc, type Column, count, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

/** The rows a page covers (domain/pagination.ts computes it from `page` and `page_size`). */
export type PageWindow = { limit: number; offset: number };

/**
 * One page of a table's rows matching `where`, oldest first (API.md §1; rowid, the insertion
 * order, breaks ties within a millisecond), and the total count of the filter: one round trip.
 */
export async function selectPage<T extends SQLiteTable & { createdAt: Column }>(
  db: Database,
  table: T,
  where: SQL | undefined,
  window: PageWindow,
): Promise<{ rows: T["$inferSelect"][]; total: number }> {
  const from: SQLiteTable = table;
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(from)
      .where(where)
      .orderBy(asc(table.createdAt), asc(sql`rowid`))
      .limit(window.limit)
      .offset(window.offset),
    db.select({ total: count() }).from(from).where(where),
  ]);
  return { rows: rows as T["$inferSelect"][], total: totals[0]?.total ?? 0 };
}
