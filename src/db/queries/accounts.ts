import { eq } from "drizzle-orm";
import type { MappingEntry } from "../../lib/types";
import type { Database } from "../client";
import { accounts } from "../schema";

export type AccountRow = typeof accounts.$inferSelect;

export function insertAccount(db: Database, row: typeof accounts.$inferInsert) {
  return db.insert(accounts).values(row);
}

export function findAccount(db: Database, id: string) {
  return db.select().from(accounts).where(eq(accounts.id, id)).get();
}

/** The account (a list of at most one row, to read in a batch). */
export function accountOf(db: Database, id: string) {
  return db.select().from(accounts).where(eq(accounts.id, id));
}

export function setAccountFieldMapping(
  db: Database,
  id: string,
  fieldMapping: MappingEntry[],
  at: string,
) {
  return db.update(accounts).set({ fieldMapping, updatedAt: at }).where(eq(accounts.id, id));
}
