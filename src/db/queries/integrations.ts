import { and, asc, count, eq, gte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../client";
import { inList } from "../in-list";
import { integrationProfiles, integrations, profiles } from "../schema";

export type IntegrationRow = typeof integrations.$inferSelect;
export type Statement = BatchItem<"sqlite">;

/** Runs statements as one D1 batch (all or nothing); an empty list does nothing. */
export async function runBatch(db: Database, statements: Statement[]): Promise<void> {
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

export function findIntegrationById(db: Database, id: string) {
  return db.select().from(integrations).where(eq(integrations.id, id)).get();
}

export function findIntegration(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(integrations)
    .where(and(eq(integrations.accountId, accountId), eq(integrations.id, id)))
    .get();
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

export function deleteIntegrationRow(db: Database, id: string) {
  return db.delete(integrations).where(eq(integrations.id, id));
}

type ListWhere = { accountId: string; updatedSince?: string };

function listCondition(where: ListWhere) {
  return and(
    eq(integrations.accountId, where.accountId),
    where.updatedSince ? gte(integrations.updatedAt, where.updatedSince) : undefined,
  );
}

export function listIntegrations(
  db: Database,
  where: ListWhere,
  page: { limit: number; offset: number },
) {
  return db
    .select()
    .from(integrations)
    .where(listCondition(where))
    .orderBy(asc(integrations.createdAt), asc(integrations.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countIntegrations(db: Database, where: ListWhere): Promise<number> {
  const row = await db.select({ n: count() }).from(integrations).where(listCondition(where)).get();
  return row?.n ?? 0;
}

/** integration id -> linked profile ids, for several integrations at once. */
export async function linksOf(
  db: Database,
  integrationIds: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(integrationIds.map((id) => [id, []]));
  if (integrationIds.length === 0) return out;
  const rows = await db
    .select()
    .from(integrationProfiles)
    .where(inList(integrationProfiles.integrationId, integrationIds))
    .orderBy(asc(integrationProfiles.profileId));
  for (const row of rows) out.get(row.integrationId)?.push(row.profileId);
  return out;
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

export async function isLinked(db: Database, integrationId: string, profileId: string) {
  const row = await db
    .select({ id: integrationProfiles.profileId })
    .from(integrationProfiles)
    .where(
      and(
        eq(integrationProfiles.integrationId, integrationId),
        eq(integrationProfiles.profileId, profileId),
      ),
    )
    .get();
  return row !== undefined;
}

// Profiles, as far as integrations need them (the profiles module owns the rest).

/** Which of `ids` are profiles of the account. */
export async function existingProfileIds(
  db: Database,
  accountId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: profiles.id })
    .from(profiles)
    .where(and(eq(profiles.accountId, accountId), inList(profiles.id, ids)));
  return new Set(rows.map((row) => row.id));
}

/** Profiles on which the integration is active right now. */
export async function profilesActiveWith(db: Database, integrationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: profiles.id })
    .from(profiles)
    .where(eq(profiles.activeIntegrationId, integrationId));
  return rows.map((row) => row.id);
}

/**
 * Moves the profile's active integration from `previous` to `next`, only if it is still
 * `previous` (a guard against any writer outside the profile's lock). Returns the id if it moved.
 */
export function setActiveIntegration(
  db: Database,
  profileId: string,
  previous: string | null,
  next: string | null,
  at: string,
) {
  return db
    .update(profiles)
    .set({ activeIntegrationId: next, updatedAt: at })
    .where(and(eq(profiles.id, profileId), sql`${profiles.activeIntegrationId} IS ${previous}`))
    .returning({ id: profiles.id });
}
