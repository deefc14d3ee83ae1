import { and, eq, gte, sql } from "drizzle-orm";
import type { MappingEntry } from "../../lib/types";
import type { Database } from "../client";
import { inList } from "../in-list";
import { type PageWindow, selectPage } from "../page";
import { events, integrations, profiles } from "../schema";
import { profileEventsFingerprint } from "./events";

export type ProfileRow = typeof profiles.$inferSelect;

export function insertProfile(db: Database, row: typeof profiles.$inferInsert) {
  return db.insert(profiles).values(row);
}

/** The account's profile (a list of at most one row, to read alone or in a batch). */
export function profileOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(profiles)
    .where(and(eq(profiles.accountId, accountId), eq(profiles.id, id)))
    .limit(1);
}

/** One page of the account's profiles, oldest first, with the total count. */
export function listProfiles(
  db: Database,
  where: { accountId: string; updatedSince?: string },
  page: PageWindow,
) {
  const condition = and(
    eq(profiles.accountId, where.accountId),
    where.updatedSince ? gte(profiles.updatedAt, where.updatedSince) : undefined,
  );
  return selectPage(db, profiles, condition, page);
}

export function updateProfile(
  db: Database,
  id: string,
  values: Partial<Pick<ProfileRow, "name" | "fieldMapping" | "fireOnPayment">> & {
    updatedAt: string;
  },
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

/** The ids among `ids` that are profiles of the account. */
export function profileIdsAmong(db: Database, accountId: string, ids: readonly string[]) {
  return db
    .select({ id: profiles.id })
    .from(profiles)
    .where(and(eq(profiles.accountId, accountId), inList(profiles.id, ids)));
}

/** The profiles on which the integration is active right now. */
export function profilesActiveWith(db: Database, integrationId: string) {
  return db
    .select({ id: profiles.id })
    .from(profiles)
    .where(eq(profiles.activeIntegrationId, integrationId));
}

/** The message SQLite gives when `setActiveIntegration` finds the profile's events changed. */
export const PROFILE_CHANGED = "NOT NULL constraint failed: profiles.updated_at";

/**
 * Moves the profile's active integration from `previous` to `next`, only if it is still
 * `previous` (a guard against any writer outside the profile's lock; returns the id if it moved),
 * its events are as read (`eventsFingerprint`: none added, changed, or given another override
 * since) and `next` is as read (its `updated_at`: no new fixed fields, no unlinking since); else
 * the batch fails with PROFILE_CHANGED.
 */
export function setActiveIntegration(
  db: Database,
  profileId: string,
  move: {
    previous: string | null;
    next: { id: string; updatedAt: string } | null;
    at: string;
    eventsAsRead: string;
  },
) {
  const nextAsRead = move.next
    ? sql`(SELECT ${integrations.updatedAt} FROM ${integrations} WHERE ${integrations.id} = ${move.next.id}) IS ${move.next.updatedAt}`
    : sql`1`;
  return db
    .update(profiles)
    .set({
      activeIntegrationId: move.next?.id ?? null,
      updatedAt: sql`CASE WHEN ${profileEventsFingerprint(profileId)} = ${move.eventsAsRead} AND ${nextAsRead}
        THEN ${move.at} ELSE NULL END`,
    })
    .where(
      and(eq(profiles.id, profileId), sql`${profiles.activeIntegrationId} IS ${move.previous}`),
    )
    .returning({ id: profiles.id });
}
