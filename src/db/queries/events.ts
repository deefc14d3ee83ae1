import { and, asc, count, eq, gte, lt, notInArray, type SQL, sql } from "drizzle-orm";
import type { Pagination } from "../../routes/common.schemas";
import type { Database } from "../client";
import { inList } from "../in-list";
import { prepared } from "../prepared";
import { attendees, eventOverrides, events } from "../schema";

export type EventRow = typeof events.$inferSelect;

export function insertEvent(db: Database, row: typeof events.$inferInsert) {
  return db.insert(events).values(row);
}

export function findEvent(db: Database, accountId: string, id: string) {
  return prepared(db, "findEvent", () =>
    db
      .select()
      .from(events)
      .where(
        and(
          eq(events.accountId, sql.placeholder("accountId")),
          eq(events.id, sql.placeholder("id")),
        ),
      )
      .prepare(),
  ).get({ accountId, id });
}

export type EventFilter = {
  accountId: string;
  /** null: every profile of the account. */
  profileIds: string[] | null;
  profileId?: string;
  uids?: string[];
  status?: string;
  updatedSince?: string;
};

/** One page of events, oldest first, with the total count. */
export async function listEvents(db: Database, filter: EventFilter, page: Pagination) {
  if (filter.profileIds?.length === 0) return { rows: [], total: 0 };
  const conditions: (SQL | undefined)[] = [
    eq(events.accountId, filter.accountId),
    filter.profileIds ? inList(events.profileId, filter.profileIds) : undefined,
    filter.profileId ? eq(events.profileId, filter.profileId) : undefined,
    filter.uids ? inList(events.id, filter.uids) : undefined,
    filter.status ? eq(events.status, filter.status) : undefined,
    filter.updatedSince ? gte(events.updatedAt, filter.updatedSince) : undefined,
  ];
  const where = and(...conditions);
  const [rows, totals] = await db.batch([
    db
      .select()
      .from(events)
      .where(where)
      .orderBy(asc(events.createdAt), asc(sql`rowid`))
      .limit(page.page_size)
      .offset((page.page - 1) * page.page_size),
    db.select({ total: count() }).from(events).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

/** The message SQLite gives when `updateEvent` finds the event changed since it was read. */
export const EVENT_CHANGED = "NOT NULL constraint failed: events.updated_at";

/**
 * Statement: the columns a PATCH may change (guest_count is never written here), only if the
 * event's `updated_at` is still `readAt` (an activation rewrites its form meanwhile) and the
 * capacity is not below the guests registered meanwhile; otherwise NULL goes into updated_at and
 * the whole batch fails with EVENT_CHANGED.
 */
export function updateEvent(
  db: Database,
  id: string,
  values: Omit<EventRow, "id" | "accountId" | "profileId" | "guestCount" | "createdAt">,
  readAt: string,
) {
  return db
    .update(events)
    .set({
      ...values,
      updatedAt: sql`CASE WHEN ${events.updatedAt} = ${readAt}
        AND (${values.capacity} IS NULL OR ${events.guestCount} <= ${values.capacity})
        THEN ${values.updatedAt} ELSE NULL END`,
    })
    .where(eq(events.id, id));
}

/**
 * Statements deleting an event and its attendees. Its override stays: the event.delete trigger
 * must route through it like the event's other triggers; retention removes it later
 * (`deleteOrphanOverridesBefore`).
 */
export function deleteEventStatements(db: Database, id: string) {
  return [
    db.delete(attendees).where(eq(attendees.eventId, id)),
    db.delete(events).where(eq(events.id, id)),
  ] as const;
}

/** Retention: overrides of events deleted before `before` (their triggers are long processed). */
export function deleteOrphanOverridesBefore(db: Database, before: string) {
  return db
    .delete(eventOverrides)
    .where(
      and(
        lt(eventOverrides.updatedAt, before),
        notInArray(eventOverrides.eventId, db.select({ id: events.id }).from(events)),
      ),
    );
}
