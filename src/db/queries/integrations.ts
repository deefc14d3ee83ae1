import {
  and,
  asc,
  type Column,
  eq,
  gte,
  inArray,
  type Placeholder,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";
import type { Database } from "../client";
import { inList } from "../in-list";
import { type PageWindow, pageOf, pageQueries } from "../page";
import { eventOverrides, events, integrationProfiles, integrations, profiles } from "../schema";
import { overriddenEventsFingerprint } from "./events";

export type IntegrationRow = typeof integrations.$inferSelect;
/** The account's integration (a list of at most one row, to read alone or in a batch). */
export function integrationOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(integrations)
    .where(and(eq(integrations.accountId, accountId), eq(integrations.id, id)))
    .limit(1);
}

/**
 * The integration active on the account's profile (none, or a list of one row); the profile may
 * be given by a subquery (the profile of an event).
 */
export function activeIntegrationOf(
  db: Database,
  accountId: string,
  profileId: string | SQLWrapper,
) {
  return db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.accountId, accountId),
        eq(
          integrations.id,
          sql`(SELECT ${profiles.activeIntegrationId} FROM ${profiles} WHERE ${profiles.id} = ${profileId})`,
        ),
      ),
    );
}

export function insertIntegration(db: Database, row: typeof integrations.$inferInsert) {
  return db.insert(integrations).values(row);
}

export function updateIntegration(
  db: Database,
  id: string,
  set: Partial<typeof integrations.$inferInsert>,
) {
  return db.update(integrations).set(set).where(eq(integrations.id, id));
}

/** The message SQLite gives when a guarded integration statement finds its overrides changed. */
export const INTEGRATION_CHANGED = "NOT NULL constraint failed: integrations.updated_at";

/**
 * Statement: changes nothing, fails the batch (INTEGRATION_CHANGED) unless the events overridden
 * by the integration are as read (`eventsFingerprint`): a change of its fixed fields, or its
 * deletion, then rewrites every one of their forms.
 */
export function guardOverriddenEvents(db: Database, id: string, eventsAsRead: string) {
  return db
    .update(integrations)
    .set({
      updatedAt: sql`CASE WHEN ${overriddenEventsFingerprint(id)} = ${eventsAsRead}
        THEN ${integrations.updatedAt} ELSE NULL END`,
    })
    .where(eq(integrations.id, id));
}

/**
 * Statement: changes nothing, fails the batch (INTEGRATION_CHANGED) while a profile has the
 * integration active: its deletion read none, and an activation landed since.
 */
export function guardActiveNowhere(db: Database, id: string) {
  return db
    .update(integrations)
    .set({
      updatedAt: sql`CASE WHEN EXISTS (SELECT 1 FROM ${profiles} WHERE ${profiles.activeIntegrationId} = ${id})
        THEN NULL ELSE ${integrations.updatedAt} END`,
    })
    .where(eq(integrations.id, id));
}

export function deleteIntegrationRow(db: Database, id: string) {
  return db.delete(integrations).where(eq(integrations.id, id));
}

/**
 * One page of the account's integrations, oldest first, with the total and each one's linked
 * profiles: one round trip.
 */
export async function listIntegrations(
  db: Database,
  where: { accountId: string; updatedSince?: string },
  window: PageWindow,
) {
  const condition = and(
    eq(integrations.accountId, where.accountId),
    where.updatedSince ? gte(integrations.updatedAt, where.updatedSince) : undefined,
  );
  const [rows, totals] = pageQueries(db, integrations, condition, window);
  const pageIds = db.select({ id: rows.as("page").id }).from(rows.as("page"));
  const [pageRows, count, links] = await db.batch([
    rows,
    totals,
    db
      .select()
      .from(integrationProfiles)
      .where(inArray(integrationProfiles.integrationId, pageIds))
      .orderBy(asc(integrationProfiles.profileId)),
  ]);
  const page = pageOf(integrations, [pageRows, count]);
  return { ...page, links: linkMap(page.rows, links) };
}

/**
 * The integrations active on the profiles of the events whose override names `integrationId`:
 * what those events fall back to when that integration goes.
 */
export function integrationsActiveOnEventsOverriddenBy(
  db: Database,
  accountId: string,
  integrationId: string,
) {
  return db
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.accountId, accountId),
        inArray(
          integrations.id,
          sql`(SELECT ${profiles.activeIntegrationId} FROM ${profiles} WHERE ${profiles.id} IN
            (SELECT ${events.profileId} FROM ${events} JOIN ${eventOverrides}
              ON ${eventOverrides.eventId} = ${events.id}
              WHERE ${eventOverrides.integrationId} = ${integrationId}))`,
        ),
      ),
    );
}

/** The profiles linked to the integration, in id order. */
export function linksOfIntegration(db: Database, integrationId: string) {
  return db
    .select()
    .from(integrationProfiles)
    .where(eq(integrationProfiles.integrationId, integrationId))
    .orderBy(asc(integrationProfiles.profileId));
}

/** integration id -> linked profile ids, from link rows. */
export function linkMap(
  integrationRows: readonly { id: string }[],
  links: readonly { integrationId: string; profileId: string }[],
): Map<string, string[]> {
  const out = new Map<string, string[]>(integrationRows.map((row) => [row.id, []]));
  for (const link of links) out.get(link.integrationId)?.push(link.profileId);
  return out;
}

/** `column IN` the profiles linked to the integration: how an integration key's reads are scoped. */
export function linkedTo(column: Column, integrationId: string | Placeholder): SQL {
  return inArray(
    column,
    sql`(SELECT ${integrationProfiles.profileId} FROM ${integrationProfiles} WHERE ${integrationProfiles.integrationId} = ${integrationId})`,
  );
}

export function insertLinks(db: Database, integrationId: string, profileIds: string[]) {
  return profileIds.map((profileId) =>
    db.insert(integrationProfiles).values({ integrationId, profileId }).onConflictDoNothing(),
  );
}

export function deleteLinks(db: Database, integrationId: string, profileIds?: string[]) {
  return db
    .delete(integrationProfiles)
    .where(
      and(
        eq(integrationProfiles.integrationId, integrationId),
        profileIds ? inList(integrationProfiles.profileId, profileIds) : undefined,
      ),
    );
}

/** The link of the integration to the profile (maybe given by a subquery), if there is one. */
export function linkOf(db: Database, integrationId: string, profileId: string | SQLWrapper) {
  return db
    .select()
    .from(integrationProfiles)
    .where(
      and(
        eq(integrationProfiles.integrationId, integrationId),
        eq(integrationProfiles.profileId, profileId),
      ),
    );
}
