import { and, eq, inArray, lt, notInArray } from "drizzle-orm";
import type { Database } from "../client";
import { inList } from "../in-list";
import { eventOverrides, events } from "../schema";

export type OverrideRow = typeof eventOverrides.$inferSelect;

/** The event's override (a list of at most one row). */
export function overrideOf(db: Database, eventId: string) {
  return db.select().from(eventOverrides).where(eq(eventOverrides.eventId, eventId));
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

/**
 * Overrides of the profiles' events that name the integration fall back to the profile's: what
 * unlinking those profiles does (an override names only an integration linked to its profile).
 */
export function detachOverridesOnProfiles(
  db: Database,
  integrationId: string,
  profileIds: string[],
  at: string,
) {
  return db
    .update(eventOverrides)
    .set({ integrationId: null, updatedAt: at })
    .where(
      and(
        eq(eventOverrides.integrationId, integrationId),
        inArray(
          eventOverrides.eventId,
          db.select({ id: events.id }).from(events).where(inList(events.profileId, profileIds)),
        ),
      ),
    );
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
