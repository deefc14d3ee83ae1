import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { JsonRow } from "../../src/db/json-rows";
import { inPageOrder } from "../../src/db/queries/attendees";
import { attendees } from "../../src/db/schema";

const CREATED_AT = Object.keys(getTableColumns(attendees)).indexOf("createdAt");

/** A page row as the page's SQL writes it: its columns (only created_at set here), then its rowid. */
function row(createdAt: string, rowid: number): JsonRow {
  const values: unknown[] = Object.keys(getTableColumns(attendees)).map(() => null);
  values[CREATED_AT] = createdAt;
  return [...values, rowid];
}

const ids = (rows: JsonRow[]) => rows.map((r) => `${r[CREATED_AT]}#${r.at(-1)}`);

describe("a page's rows in order (db/queries/attendees.ts inPageOrder)", () => {
  // However SQLite hands them over: the page's SQL no longer sorts them in its aggregate.
  const shuffled = () => [
    row("2026-11-29T09:00:00.002Z", 4),
    row("2026-11-29T09:00:00.001Z", 9),
    row("2026-11-29T09:00:00.002Z", 3),
    row("2026-11-29T09:00:00.001Z", 10),
    row("2026-11-29T09:00:00.000Z", 12),
  ];

  it("oldest first, ties within a millisecond by rowid; newest first the exact reverse", () => {
    const oldest = [
      "2026-11-29T09:00:00.000Z#12",
      "2026-11-29T09:00:00.001Z#9",
      "2026-11-29T09:00:00.001Z#10",
      "2026-11-29T09:00:00.002Z#3",
      "2026-11-29T09:00:00.002Z#4",
    ];
    expect(ids(inPageOrder(shuffled(), "oldest"))).toEqual(oldest);
    expect(ids(inPageOrder(shuffled(), "newest"))).toEqual([...oldest].reverse());
  });
});
