import { asc, type Column, count, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

/** The rows a page covers (domain/pagination.ts computes it from `page` and `page_size`). */
export type PageWindow = { limit: number; offset: number };

type Listed = SQLiteTable & { createdAt: Column };

/**
 * The two queries of a page of a table's rows matching `where`: the rows, oldest first (API.md
 * §1; rowid, the insertion order, breaks ties within a millisecond), and the filter's count.
 * Run them in one batch (with whatever else the request reads) and read them with `pageOf`.
 */
export function pageQueries<T extends Listed>(
  db: Database,
  table: T,
  where: SQL | undefined,
  window: PageWindow,
) {
  const from: SQLiteTable = table;
  return [
    db
      .select()
      .from(from)
      .where(where)
      .orderBy(asc(table.createdAt), asc(sql`rowid`))
      .limit(window.limit)
      .offset(window.offset),
    db.select({ total: count() }).from(from).where(where),
  ] as const;
}

/** A page's rows and total out of the results of `pageQueries`. */
export function pageOf<T extends Listed>(
  _table: T,
  [rows, totals]: readonly [unknown[], { total: number }[]],
): { rows: T["$inferSelect"][]; total: number } {
  return { rows: rows as T["$inferSelect"][], total: totals[0]?.total ?? 0 };
}

/** One page and its total in one round trip, when nothing else is read with it. */
export async function selectPage<T extends Listed>(
  db: Database,
  table: T,
  where: SQL | undefined,
  window: PageWindow,
) {
  return pageOf(table, await db.batch(pageQueries(db, table, where, window)));
}
