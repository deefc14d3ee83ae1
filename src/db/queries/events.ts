import { and, eq, gte, type SQL, sql } from "drizzle-orm";
import type { FormField } from "../../lib/types";
import type { Database } from "../client";
import { inList } from "../in-list";
import { type PageWindow, selectPage } from "../page";
import { prepared } from "../prepared";
import { attendees, eventOverrides, events, profiles } from "../schema";
import { linkedTo } from "./integrations";

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

const formColumns = {
  id: events.id,
  profileId: events.profileId,
  fields: events.fields,
  overrideIntegrationId: eventOverrides.integrationId,
};

/** Every event of a profile with the integration its override names, if any. */
export function eventFormsOfProfile(db: Database, profileId: string) {
  return db
    .select(formColumns)
    .from(events)
    .leftJoin(eventOverrides, eq(eventOverrides.eventId, events.id))
    .where(eq(events.profileId, profileId));
}

/** Events whose override names the integration, with their profile's active integration. */
export function eventFormsOverriddenBy(db: Database, integrationId: string) {
  return db
    .select({ ...formColumns, activeIntegrationId: profiles.activeIntegrationId })
    .from(events)
    .innerJoin(eventOverrides, eq(eventOverrides.eventId, events.id))
    .leftJoin(profiles, eq(profiles.id, events.profileId))
    .where(eq(eventOverrides.integrationId, integrationId));
}

export function setEventFields(db: Database, id: string, fields: FormField[], at: string) {
  return db.update(events).set({ fields, updatedAt: at }).where(eq(events.id, id));
}

/**
 * The same, only if the profile's active integration is `activeIntegrationId` once the earlier
 * statements of the batch ran (so a lost activation race writes no form).
 */
export function setEventFieldsIfActive(
  db: Database,
  id: string,
  fields: FormField[],
  at: string,
  profileId: string,
  activeIntegrationId: string | null,
) {
  return db
    .update(events)
    .set({ fields, updatedAt: at })
    .where(
      and(
        eq(events.id, id),
        sql`(SELECT ${profiles.activeIntegrationId} FROM ${profiles} WHERE ${profiles.id} = ${profileId}) IS ${activeIntegrationId}`,
      ),
    );
}
