import { and, asc, count, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { SQLiteSelect } from "drizzle-orm/sqlite-core";
import type { Database } from "../client";
import type { PageWindow } from "../page";
import { batchPrepared, placeholdersOf, prepared, preparedWrite } from "../prepared";
import { accounts, attendees, eventOverrides, events, profiles } from "../schema";
import type { AccountRow } from "./accounts";
import type { EventRow } from "./events";
import { linkedTo } from "./integrations";
import type { OverrideRow } from "./overrides";
import type { ProfileRow } from "./profiles";

export type AttendeeRow = typeof attendees.$inferSelect;

/** Statement: a new attendee (prepared: every registration writes one; db/prepared.ts). */
export function insertAttendee(db: Database, row: AttendeeRow) {
  const query = prepared(db, "insertAttendee", () =>
    db.insert(attendees).values(placeholdersOf(attendees)).prepare(),
  );
  return preparedWrite(db, query, row);
}

export type AttendeeFilter = {
  accountId: string;
  /** Only the profiles linked to this integration (an integration key's read); null: all. */
  integrationId: string | null;
  eventId?: string;
  uid?: string;
  registrationStatus?: string;
  updatedSince?: string;
  /** Text that the attendee's first name, last name and e-mail contain (case-insensitive). */
  search?: string;
};

/** The order of a page: by creation time, oldest first (the default of every list) or newest. */
export type AttendeeOrder = "oldest" | "newest";

function onlyByEvent(filter: AttendeeFilter): filter is AttendeeFilter & { eventId: string } {
  return (
    filter.eventId !== undefined &&
    filter.uid === undefined &&
    filter.registrationStatus === undefined &&
    filter.updatedSince === undefined &&
    filter.search === undefined
  );
}

/** What maps a page's attendees for an integration (API.md §5), read with the page. */
export type PageRouting = {
  account: AccountRow | undefined;
  profiles: ProfileRow[];
  overrides: OverrideRow[];
};

/**
 * One page of attendees in `order` (oldest first by default), with the total count and the
 * page's events, and with `withRouting` what maps them for an integration key: all in one round
 * trip.
 */
export async function listAttendees(
  db: Database,
  filter: AttendeeFilter,
  page: PageWindow & { order?: AttendeeOrder },
  withRouting = false,
): Promise<{ rows: AttendeeRow[]; total: number; events: EventRow[]; routing?: PageRouting }> {
  const order = page.order ?? "oldest";
  const shape = {
    linked: Boolean(filter.integrationId),
    event: Boolean(filter.eventId),
    uid: Boolean(filter.uid),
    status: Boolean(filter.registrationStatus),
    updatedSince: Boolean(filter.updatedSince),
    search: filter.search !== undefined,
    order,
  };
  const values = {
    ...filter,
    search: filter.search === undefined ? undefined : containsPattern(filter.search),
    limit: page.limit,
    offset: page.offset,
  };
  const queries = prepared(db, `listAttendees:${JSON.stringify(shape)}`, () =>
    buildAttendeePage(db, filter, order),
  );
  const pageBatch = [
    [queries.page, values],
    [queries.total, values],
    [queries.events, values],
  ] as const;
  const routingBatch = [
    [queries.account, values],
    [queries.profiles, values],
    [queries.overrides, values],
  ] as const;
  const [rows, totals, pageEvents, account, profiles, overrides] = await batchPrepared(
    db,
    withRouting ? [...pageBatch, ...routingBatch] : pageBatch,
  );
  return {
    rows,
    total: totals[0]?.total ?? 0,
    events: pageEvents,
    routing: withRouting
      ? { account: account?.[0], profiles: profiles ?? [], overrides: overrides ?? [] }
      : undefined,
  };
}

/** A LIKE pattern for "contains `text`", with LIKE's own wildcards in it taken literally. */
function containsPattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (wildcard) => `\\${wildcard}`)}%`;
}

/** What a search looks in: "first last email", so "Jane Doe" and "jane@" both find Jane. */
const searchedText = sql`(coalesce(json_extract(${attendees.fields}, '$.firstname'), '') || ' ' ||
  coalesce(json_extract(${attendees.fields}, '$.lastname'), '') || ' ' ||
  coalesce(json_extract(${attendees.fields}, '$.email'), ''))`;

/** The queries of a page for the filters set in `filter`, their values as placeholders. */
function buildAttendeePage(db: Database, filter: AttendeeFilter, order: AttendeeOrder) {
  const value = sql.placeholder;
  const where = and(
    eq(attendees.accountId, value("accountId")),
    filter.integrationId ? linkedTo(attendees.profileId, value("integrationId")) : undefined,
    filter.eventId ? eq(attendees.eventId, value("eventId")) : undefined,
    filter.uid ? eq(attendees.id, value("uid")) : undefined,
    filter.registrationStatus
      ? eq(attendees.registrationStatus, value("registrationStatus"))
      : undefined,
    filter.updatedSince ? gte(attendees.updatedAt, value("updatedSince")) : undefined,
    // SQLite's LIKE ignores ASCII case; the scan is over the rows the other filters leave.
    filter.search !== undefined
      ? sql`${searchedText} LIKE ${value("search")} ESCAPE '\\'`
      : undefined,
  );
  // rowid (the insertion order) breaks ties within a millisecond, in the same direction.
  const direction = order === "newest" ? desc : asc;
  const pageOf = <T extends SQLiteSelect>(query: T) =>
    query
      .where(where)
      .orderBy(direction(attendees.createdAt), direction(sql`rowid`))
      .limit(value("limit"))
      .offset(value("offset"));
  const pageColumn = (column: typeof attendees.eventId | typeof attendees.profileId) =>
    pageOf(db.select({ id: column }).from(attendees).$dynamic());
  return {
    page: pageOf(db.select().from(attendees).$dynamic()).prepare(),
    total: (onlyByEvent(filter)
      ? // The event keeps its exact guest_count: counting a large event on every page is the cost.
        db
          .select({ total: events.guestCount })
          .from(events)
          .where(
            and(
              eq(events.id, value("eventId")),
              eq(events.accountId, value("accountId")),
              filter.integrationId ? linkedTo(events.profileId, value("integrationId")) : undefined,
            ),
          )
      : db.select({ total: count() }).from(attendees).where(where)
    ).prepare(),
    // The page's events, and what maps its attendees, by subqueries of the page.
    events: db
      .select()
      .from(events)
      .where(inArray(events.id, pageColumn(attendees.eventId)))
      .prepare(),
    account: db
      .select()
      .from(accounts)
      .where(eq(accounts.id, value("accountId")))
      .prepare(),
    profiles: db
      .select()
      .from(profiles)
      .where(inArray(profiles.id, pageColumn(attendees.profileId)))
      .prepare(),
    overrides: db
      .select()
      .from(eventOverrides)
      .where(inArray(eventOverrides.eventId, pageColumn(attendees.eventId)))
      .prepare(),
  };
}

/** The message SQLite gives when `updateAttendee` finds the row changed since it was read. */
export const ATTENDEE_CHANGED = "NOT NULL constraint failed: attendees.updated_at";

/**
 * Statement: the attendee's new values, only if its `updated_at` is still `readAt` (nobody
 * changed it since it was read); otherwise it writes NULL into updated_at, which fails the whole
 * batch with ATTENDEE_CHANGED, so no read-modify-write loses a concurrent change.
 */
export function updateAttendee(
  db: Database,
  id: string,
  values: Partial<Omit<AttendeeRow, "id" | "accountId" | "eventId" | "profileId" | "createdAt">> & {
    updatedAt: string;
  },
  readAt: string,
) {
  return db
    .update(attendees)
    .set({
      ...values,
      updatedAt: sql`CASE WHEN ${attendees.updatedAt} = ${readAt} THEN ${values.updatedAt} ELSE NULL END`,
    })
    .where(eq(attendees.id, id));
}

/** The message SQLite gives when `countGuestIn` would pass the capacity (it aborts the batch). */
export const CAPACITY_EXCEEDED = "NOT NULL constraint failed: events.guest_count";

/**
 * Counts one more guest, or fails the whole batch when the event is full: writing NULL into the
 * NOT NULL column aborts it atomically, so concurrent creates can never pass the capacity.
 * Put it first in the batch.
 */
export function countGuestIn(db: Database, eventId: string) {
  const query = prepared(db, "countGuestIn", () =>
    db
      .update(events)
      .set({
        guestCount: sql`CASE WHEN ${events.capacity} IS NULL OR ${events.guestCount} < ${events.capacity} THEN ${events.guestCount} + 1 ELSE NULL END`,
      })
      .where(eq(events.id, sql.placeholder("eventId")))
      .prepare(),
  );
  return preparedWrite(db, query, { eventId });
}

/**
 * Counts the attendee out only if it still exists: put it before `deleteAttendee` in the same batch
 * so two concurrent deletes decrement once.
 */
export function countGuestOut(db: Database, eventId: string, attendeeId: string) {
  return db
    .update(events)
    .set({
      guestCount: sql`max(${events.guestCount} - (SELECT count(*) FROM ${attendees} WHERE ${attendees.id} = ${attendeeId}), 0)`,
    })
    .where(eq(events.id, eventId));
}

export function deleteAttendee(db: Database, id: string) {
  return db.delete(attendees).where(eq(attendees.id, id));
}
