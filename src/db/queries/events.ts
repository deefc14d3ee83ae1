import { and, eq, gte, type SQL, sql } from "drizzle-orm";
import type { FormField } from "../../lib/types";
import type { Database } from "../client";
import { inList } from "../in-list";
import { type JsonRow, jsonRow, readRow } from "../json-rows";
import { type PageWindow, selectPage } from "../page";
import { batchPrepared, jsonQuery, prepared } from "../prepared";
import { accounts, attendees, eventOverrides, events, integrations, profiles } from "../schema";
import { linkedTo } from "./integrations";

export type EventRow = typeof events.$inferSelect;

/** The account's event, or undefined (read as JSON: db/json-rows.ts). */
export async function findEvent(db: Database, accountId: string, id: string) {
  const [found] = await batchPrepared(db, [[eventById(db), { accountId, id }]]);
  return found && readRow(events)(found.event);
}

const eventById = (db: Database) =>
  prepared(db, "eventById", () =>
    jsonQuery<{ event: JsonRow }>(
      db,
      sql`SELECT ${jsonRow(events)} AS "event" FROM ${events}
        WHERE ${events.accountId} = ${sql.placeholder("accountId")} AND ${events.id} = ${sql.placeholder("id")}`,
    ),
  );

export type EventFilter = {
  accountId: string;
  /** Only the profiles linked to this integration (an integration key's read); null: all. */
  integrationId: string | null;
  profileId?: string;
  uids?: string[];
  status?: string;
  updatedSince?: string;
};

/** One page of events, oldest first, with the total count. */
export async function listEvents(db: Database, filter: EventFilter, page: PageWindow) {
  const conditions: (SQL | undefined)[] = [
    eq(events.accountId, filter.accountId),
    filter.integrationId ? linkedTo(events.profileId, filter.integrationId) : undefined,
    filter.profileId ? eq(events.profileId, filter.profileId) : undefined,
    filter.uids ? inList(events.id, filter.uids) : undefined,
    filter.status ? eq(events.status, filter.status) : undefined,
    filter.updatedSince ? gte(events.updatedAt, filter.updatedSince) : undefined,
  ];
  return selectPage(db, events, and(...conditions), page);
}

/**
 * What a create's batch fails with when `countGuestInAsRemembered` (db/queries/attendees.ts) finds
 * the event changed, gone or out of reach.
 */
export const EVENT_NOT_AS_REMEMBERED = "event not as remembered";

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

/** The ids among `ids` that are events of the account. */
export function eventIdsAmong(db: Database, accountId: string, ids: readonly string[]) {
  return db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.accountId, accountId), inList(events.id, ids)));
}

/** The profile of an event, as a subquery. */
export function profileIdOfEvent(db: Database, eventId: string) {
  return db.select({ id: events.profileId }).from(events).where(eq(events.id, eventId));
}

/** The account's event (a list of at most one row, to read alone or in a batch). */
export function eventOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.accountId, accountId), eq(events.id, id)))
    .limit(1);
}

/** Every event of a profile with the integration its override names, if any. */
export function eventFormsOfProfile(db: Database, profileId: string) {
  return db
    .select({ event: events, overrideIntegrationId: eventOverrides.integrationId })
    .from(events)
    .leftJoin(eventOverrides, eq(eventOverrides.eventId, events.id))
    .where(eq(events.profileId, profileId))
    .orderBy(events.id);
}

/** Events whose override names the integration, with their profile's active integration. */
export function eventFormsOverriddenBy(db: Database, integrationId: string) {
  return db
    .select({ event: events, activeIntegrationId: profiles.activeIntegrationId })
    .from(events)
    .innerJoin(eventOverrides, eq(eventOverrides.eventId, events.id))
    .leftJoin(profiles, eq(profiles.id, events.profileId))
    .where(eq(eventOverrides.integrationId, integrationId))
    .orderBy(events.id);
}

// An event's form follows the integration that applies to it (API.md §4). Whoever rewrites a form
// read what it depends on first, and writes only if that is still so: otherwise the batch fails
// (NULL into a NOT NULL column) and the change is read and applied again. So activation, overrides,
// event creation and changes of an integration agree without holding a lock together.

/** What an event's form was computed from: the profile's active integration and, if any, the
 * applying integration as it was (its fixed fields). */
export type RoutingBasis = {
  profileId: string;
  activeIntegrationId: string | null;
  applying: { id: string; updatedAt: string } | null;
};

function routingUnchanged(basis: RoutingBasis): SQL {
  const applying = basis.applying;
  return sql`(SELECT ${profiles.activeIntegrationId} FROM ${profiles} WHERE ${profiles.id} = ${basis.profileId}) IS ${basis.activeIntegrationId}
    AND (SELECT ${integrations.updatedAt} FROM ${integrations} WHERE ${integrations.id} = ${applying?.id ?? null}) IS ${applying?.updatedAt ?? null}`;
}

/** Statement: a new event, only if what decides its form is as read (else EVENT_CHANGED). */
export function insertEventIfRouting(
  db: Database,
  row: typeof events.$inferInsert,
  basis: RoutingBasis,
) {
  return db.insert(events).values({
    ...row,
    updatedAt: sql`CASE WHEN ${routingUnchanged(basis)} THEN ${row.updatedAt} ELSE NULL END`,
  });
}

/**
 * Statement: the event's form, only if the event is as read at `readAt` and (with `routing`) what
 * decides its form too; otherwise the batch fails with EVENT_CHANGED.
 */
export function setEventFields(
  db: Database,
  id: string,
  fields: FormField[],
  at: string,
  basis: { readAt: string; routing?: RoutingBasis },
) {
  const routing = basis.routing ? sql`AND ${routingUnchanged(basis.routing)}` : sql``;
  return db
    .update(events)
    .set({
      fields,
      updatedAt: sql`CASE WHEN ${events.updatedAt} = ${basis.readAt} ${routing} THEN ${at} ELSE NULL END`,
    })
    .where(eq(events.id, id));
}

/**
 * Statement: changes nothing, fails the batch (EVENT_CHANGED) unless the event is as read at
 * `readAt` and its routing too. For a change that keeps the form: a form rewritten meanwhile (an
 * override to another integration) would otherwise stay while what applies changes back.
 */
export function guardEventRouting(
  db: Database,
  id: string,
  basis: { readAt: string; routing: RoutingBasis },
) {
  return db
    .update(events)
    .set({
      updatedAt: sql`CASE WHEN ${events.updatedAt} = ${basis.readAt} AND ${routingUnchanged(basis.routing)}
        THEN ${events.updatedAt} ELSE NULL END`,
    })
    .where(eq(events.id, id));
}

/**
 * A profile's events as they were read (each one's id, when it last changed, and the integration
 * its override names), in SQL: equal to `eventsFingerprint` of the same read while nothing changed.
 */
export function profileEventsFingerprint(profileId: string): SQL {
  return sql`(SELECT coalesce(group_concat(f, ','), '') FROM (SELECT ${events.id} || ':' || ${events.updatedAt} || ':' || coalesce(${eventOverrides.integrationId}, '') AS f
    FROM ${events} LEFT JOIN ${eventOverrides} ON ${eventOverrides.eventId} = ${events.id}
    WHERE ${events.profileId} = ${profileId} ORDER BY ${events.id}))`;
}

/** The events overridden by an integration, in SQL, as `eventsFingerprint` of the same read. */
export function overriddenEventsFingerprint(integrationId: string): SQL {
  return sql`(SELECT coalesce(group_concat(f, ','), '') FROM (SELECT ${events.id} || ':' || ${events.updatedAt} || ':' || ${eventOverrides.integrationId} AS f
    FROM ${events} JOIN ${eventOverrides} ON ${eventOverrides.eventId} = ${events.id}
    WHERE ${eventOverrides.integrationId} = ${integrationId} ORDER BY ${events.id}))`;
}

/** The fingerprint of rows read by `eventFormsOfProfile` or `eventFormsOverriddenBy`. */
export function eventsFingerprint(
  rows: readonly { event: EventRow; overrideIntegrationId?: string | null }[],
  overriddenBy?: string,
): string {
  return rows
    .map(
      ({ event, overrideIntegrationId }) =>
        `${event.id}:${event.updatedAt}:${overriddenBy ?? overrideIntegrationId ?? ""}`,
    )
    .join(",");
}

/**
 * Every attendee field name the account has defined (one row, `names`, when the account exists):
 * its events' form fields and the names of its field mappings (account, profiles, event
 * overrides). The names a guest webhook's payload template may use (`knownFieldsFor` in
 * domain/webhook-content.ts).
 */
export function attendeeFieldNamesOf(db: Database, accountId: string) {
  // Written out with aliases: the same tables appear in several branches.
  const names = sql<string[]>`(SELECT json_group_array(name) FROM (
    SELECT json_extract(f.value, '$.name') AS name FROM events AS e, json_each(e.fields) AS f
      WHERE e.account_id = ${accountId}
    UNION SELECT json_extract(m.value, '$.name') FROM accounts AS a, json_each(a.field_mapping) AS m
      WHERE a.id = ${accountId}
    UNION SELECT json_extract(m.value, '$.name') FROM profiles AS p, json_each(p.field_mapping) AS m
      WHERE p.account_id = ${accountId}
    UNION SELECT json_extract(m.value, '$.name') FROM event_overrides AS o
      JOIN events AS e ON e.id = o.event_id, json_each(o.field_mapping) AS m
      WHERE e.account_id = ${accountId}
  ) WHERE name IS NOT NULL)`.mapWith((text: string) => JSON.parse(text) as string[]);
  return db.select({ names }).from(accounts).where(eq(accounts.id, accountId));
}
