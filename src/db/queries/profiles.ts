import { and, asc, count, eq, gte, sql } from "drizzle-orm";
import type { MappingEntry } from "../../lib/types";
import type { Pagination } from "../../routes/common.schemas";
import type { Database } from "../client";
import { events, profiles } from "../schema";

export type ProfileRow = typeof profiles.$inferSelect;

export function insertProfile(db: Database, row: typeof profiles.$inferInsert) {
  return db.insert(profiles).values(row);
}

export function findProfile(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(profiles)
    .where(and(eq(profiles.accountId, accountId), eq(profiles.id, id)))
    .get();
}

/** One page of the account's profiles, oldest first, with the total count. */
export async function listProfiles(
  db: Database,
  accountId: string,
  page: Pagination & { updatedSince?: string },
) {
  const where = and(
    eq(profiles.accountId, accountId),
    page.updatedSince ? gte(profiles.updatedAt, page.updatedSince) : undefined,
  );
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(profiles)
      .where(where)
      .orderBy(asc(profiles.createdAt), asc(sql`rowid`))
      .limit(page.page_size)
      .offset((page.page - 1) * page.page_size),
    db.select({ total: count() }).from(profiles).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

export function updateProfile(
  db: Database,
  id: string,
  values: Partial<Pick<ProfileRow, "name" | "fieldMapping">> & { updatedAt: string },
) {
  return db.update(profiles).set(values).where(eq(profiles.id, id));
}

export function setProfileFieldMapping(
  db: Database,
  id: string,
  fieldMapping: MappingEntry[],
  at: string,
) {
  return updateProfile(db, id, { fieldMapping, updatedAt: at });
}

/**
 * Deletes the profile only if it has no events, in one statement so an event created meanwhile
 * cannot be orphaned. Returns whether a row went.
 */
export async function deleteProfileWithoutEvents(db: Database, id: string): Promise<boolean> {
  const deleted = await db
    .delete(profiles)
    .where(
      and(
        eq(profiles.id, id),
        sql`NOT EXISTS (SELECT 1 FROM ${events} WHERE ${events.profileId} = ${id})`,
      ),
    )
    .returning({ id: profiles.id });
  return deleted.length === 1;
}
