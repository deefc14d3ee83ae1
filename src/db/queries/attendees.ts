import { and, eq, getTableColumns, gte, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type JsonRow, jsonRow, readRow } from "../json-rows";
import type { PageWindow } from "../page";
import { batchPrepared, jsonQuery, placeholdersOf, prepared, preparedWrite } from "../prepared";
import { accounts, attendees, eventOverrides, events, profiles } from "../schema";
import type { AccountRow } from "./accounts";
import { EVENT_NOT_AS_REMEMBERED, type EventRow } from "./events";
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

/** The row `listAttendees` reads: JSON columns that SQLite writes (db/json-rows.ts). */
type PageRow = {
  rows: JsonRow[];
  /** null: the event is not the account's (or not linked to the integration). */
  total: number | null;
  events: JsonRow[];
  account?: JsonRow | null;
  profiles?: JsonRow[];
  overrides?: JsonRow[];
};

/**
 * One page of attendees in `order` (oldest first by default), with the total count and the
 * page's events, and with `withRouting` what maps them for an integration key: one statement,
 * in one round trip.
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
    withRouting,
  };
  const values = {
    ...filter,
    search: filter.search === undefined ? undefined : containsPattern(filter.search),
    limit: page.limit,
    offset: page.offset,
  };
  const query = prepared(db, `listAttendees:${JSON.stringify(shape)}`, () =>
    attendeePageQuery(db, filter, order, withRouting),
  );
  const [found] = await batchPrepared(db, [[query, values]]);
  // The select always has its one row (every column is a subquery).
  const row = found as PageRow;
  return {
    rows: inPageOrder(row.rows, order).map(readRow(attendees)),
    total: row.total ?? 0,
    events: row.events.map(readRow(events)),
    routing: withRouting
      ? {
          account: row.account ? readRow(accounts)(row.account) : undefined,
          profiles: (row.profiles ?? []).map(readRow(profiles)),
          overrides: (row.overrides ?? []).map(readRow(eventOverrides)),
        }
      : undefined,
  };
}

const CREATED_AT = Object.keys(getTableColumns(attendees)).indexOf("createdAt");

/**
 * The page's rows in `order`. SQLite's aggregate hands them over in the order it scanned the page,
 * which it does not promise; sorting them there instead cost an eighth of the statement, compiled
 * and run. Each row carries its rowid last (`attendeePageQuery`): it breaks ties within a
 * millisecond, as the page's ORDER BY does.
 */
export function inPageOrder(rows: JsonRow[], order: AttendeeOrder): JsonRow[] {
  const sign = order === "newest" ? -1 : 1;
  return rows.sort((a, b) => {
    const [at, bt] = [String(a[CREATED_AT]), String(b[CREATED_AT])];
    if (at !== bt) return at < bt ? -sign : sign;
    return sign * (Number(a[a.length - 1]) - Number(b[b.length - 1]));
  });
}

/** A LIKE pattern for "contains `text`", with LIKE's own wildcards in it taken literally. */
function containsPattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (wildcard) => `\\${wildcard}`)}%`;
}

/** What a search looks in: "first last email", so "Jane Doe" and "jane@" both find Jane. */
const searchedText = sql`(coalesce(json_extract(${attendees.fields}, '$.firstname'), '') || ' ' ||
  coalesce(json_extract(${attendees.fields}, '$.lastname'), '') || ' ' ||
  coalesce(json_extract(${attendees.fields}, '$.email'), ''))`;

/** The page's attendees, as a table the query's other parts read (`WITH page AS ...`). */
const PAGE = "page";

/**
 * The query of a page for the filters set in `filter`, its values as placeholders: one row whose
 * columns are the page's rows, its total, its events and (`withRouting`) what maps its attendees.
 */
function attendeePageQuery(
  db: Database,
  filter: AttendeeFilter,
  order: AttendeeOrder,
  withRouting: boolean,
) {
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
  const direction = sql.raw(order === "newest" ? "DESC" : "ASC");
  const page = sql.identifier(PAGE);
  const ofPage = (column: typeof attendees.eventId | typeof attendees.profileId) =>
    sql`SELECT ${page}.${sql.identifier(column.name)} FROM ${page}`;
  const total = onlyByEvent(filter)
    ? // The event keeps its exact guest_count: counting a large event on every page is the cost.
      sql`SELECT ${events.guestCount} FROM ${events} WHERE ${and(
        eq(events.id, value("eventId")),
        eq(events.accountId, value("accountId")),
        filter.integrationId ? linkedTo(events.profileId, value("integrationId")) : undefined,
      )}`
    : sql`SELECT count(*) FROM ${attendees} WHERE ${where}`;
  // Filtered by event, the page's rows are all of that event: its row (the account's) and its
  // override are read by id, not through the page (each scan of the page is more for SQLite to
  // compile and run, per request). An empty page then still reads them, unused.
  const pageEvents = filter.eventId
    ? and(eq(events.id, value("eventId")), eq(events.accountId, value("accountId")))
    : sql`${events.id} IN (${ofPage(attendees.eventId)})`;
  const pageOverrides = filter.eventId
    ? eq(eventOverrides.eventId, value("eventId"))
    : sql`${eventOverrides.eventId} IN (${ofPage(attendees.eventId)})`;
  const routing = withRouting
    ? sql`,
      (SELECT ${jsonRow(accounts)} FROM ${accounts}
        WHERE ${accounts.id} = ${value("accountId")}) AS "account",
      (SELECT json_group_array(${jsonRow(profiles)}) FROM ${profiles}
        WHERE ${profiles.id} IN (${ofPage(attendees.profileId)})) AS "profiles",
      (SELECT json_group_array(${jsonRow(eventOverrides)}) FROM ${eventOverrides}
        WHERE ${pageOverrides}) AS "overrides"`
    : sql``;
  return jsonQuery<PageRow>(
    db,
    sql`WITH ${page} AS MATERIALIZED (
        SELECT ${attendees}.*, ${attendees}.rowid AS page_rowid FROM ${attendees} WHERE ${where}
        ORDER BY ${attendees.createdAt} ${direction}, ${attendees}.rowid ${direction}
        LIMIT ${value("limit")} OFFSET ${value("offset")}
      )
      SELECT
        (SELECT json_group_array(${jsonRow(attendees, PAGE, [sql.raw("page_rowid")])})
          FROM ${page}) AS "rows",
        (${total}) AS "total",
        (SELECT json_group_array(${jsonRow(events)}) FROM ${events}
          WHERE ${pageEvents}) AS "events"${routing}`,
  );
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

/** The guest count with one more guest, or NULL (which fails the batch) when the event is full. */
const oneMoreGuest = sql`CASE WHEN ${events.capacity} IS NULL OR ${events.guestCount} < ${events.capacity} THEN ${events.guestCount} + 1 ELSE NULL END`;

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
      .set({ guestCount: oneMoreGuest })
      .where(eq(events.id, sql.placeholder("eventId")))
      .prepare(),
  );
  return preparedWrite(db, query, { eventId });
}

/** A JSON path error naming EVENT_NOT_AS_REMEMBERED: what fails the batch when evaluated. */
const notAsRemembered = sql.raw(`json_extract('{}', '${EVENT_NOT_AS_REMEMBERED}')`);

/**
 * `countGuestIn` for a create made from an event read earlier (src/services/known-events.ts),
 * without reading it again: it counts the guest only if the account's event is still as it was
 * read at `updatedAt` and, for an integration key, on a profile linked to its integration;
 * otherwise (changed, gone, out of reach) it fails the whole batch naming EVENT_NOT_AS_REMEMBERED
 * (a gone event through its WHERE, which then evaluates the error). Put it first in the batch.
 */
export function countGuestInAsRemembered(
  db: Database,
  event: Pick<EventRow, "id" | "accountId" | "updatedAt">,
  integrationId: string | null,
) {
  const values = { id: event.id, accountId: event.accountId, updatedAt: event.updatedAt };
  if (integrationId === null) return preparedWrite(db, countAsRemembered(db, false), values);
  return preparedWrite(db, countAsRemembered(db, true), { ...values, integrationId });
}

const countAsRemembered = (db: Database, linked: boolean) =>
  prepared(db, linked ? "countGuestInAsRememberedLinked" : "countGuestInAsRemembered", () => {
    const value = sql.placeholder;
    const asRemembered = and(
      eq(events.accountId, value("accountId")),
      eq(events.updatedAt, value("updatedAt")),
      linked ? linkedTo(events.profileId, value("integrationId")) : undefined,
    );
    const existing = sql`(SELECT ${events.id} FROM ${events} WHERE ${eq(events.id, value("id"))})`;
    return db
      .update(events)
      .set({
        guestCount: sql`CASE WHEN ${asRemembered} THEN ${oneMoreGuest} ELSE ${notAsRemembered} END`,
      })
      .where(eq(events.id, sql`coalesce(${existing}, ${notAsRemembered})`))
      .prepare();
  });

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
