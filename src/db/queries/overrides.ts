import { and, eq, sql } from "drizzle-orm";
import type { FormField } from "../../lib/types";
import type { Database } from "../client";
import { inList } from "../in-list";
import { eventOverrides, events, profiles } from "../schema";

export type OverrideRow = typeof eventOverrides.$inferSelect;

export function findOverride(db: Database, eventId: string) {
  return db.select().from(eventOverrides).where(eq(eventOverrides.eventId, eventId)).get();
}

export function upsertOverride(db: Database, row: typeof eventOverrides.$inferInsert) {
  const { eventId: _eventId, createdAt: _createdAt, ...set } = row;
  return db
    .insert(eventOverrides)
    .values(row)
    .onConflictDoUpdate({ target: eventOverrides.eventId, set });
}

export function deleteOverride(db: Database, eventId: string) {
  return db.delete(eventOverrides).where(eq(eventOverrides.eventId, eventId));
}

/** Overrides that name the integration fall back to the profile's (integration_id -> null). */
export function detachOverrides(db: Database, integrationId: string, at: string) {
  return db
    .update(eventOverrides)
    .set({ integrationId: null, updatedAt: at })
    .where(eq(eventOverrides.integrationId, integrationId));
}

// Events, as far as overrides and fixed configuration need them (the events module owns the rest).

export type EventFormRow = {
  id: string;
  profileId: string;
  fields: FormField[];
  overrideIntegrationId: string | null;
};

/** Which of `ids` are events of the account. */
export async function existingEventIds(
  db: Database,
  accountId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.accountId, accountId), inList(events.id, ids)));
  return new Set(rows.map((row) => row.id));
}

const formColumns = {
  id: events.id,
  profileId: events.profileId,
  fields: events.fields,
  overrideIntegrationId: eventOverrides.integrationId,
};

/** Every event of a profile with the integration its override names, if any. */
export function eventFormsOfProfile(db: Database, profileId: string): Promise<EventFormRow[]> {
  return db
    .select(formColumns)
    .from(events)
    .leftJoin(eventOverrides, eq(eventOverrides.eventId, events.id))
    .where(eq(events.profileId, profileId));
}

/** Events whose override names the integration. */
export function eventFormsOverriddenBy(
  db: Database,
  integrationId: string,
): Promise<Array<EventFormRow & { activeIntegrationId: string | null }>> {
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
