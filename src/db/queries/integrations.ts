import {
  and,
  asc,
  type Column,
  eq,
  gte,
  inArray,
  type Placeholder,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Database } from "../client";
import { inList } from "../in-list";
import { type PageWindow, selectPage } from "../page";
import { integrationProfiles, integrations } from "../schema";

export type IntegrationRow = typeof integrations.$inferSelect;
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

/** One page of the account's integrations, oldest first, with the total. */
export function listIntegrations(
  db: Database,
  where: { accountId: string; updatedSince?: string },
  page: PageWindow,
) {
  const condition = and(
    eq(integrations.accountId, where.accountId),
    where.updatedSince ? gte(integrations.updatedAt, where.updatedSince) : undefined,
  );
  return selectPage(db, integrations, condition, page);
}

/** `column IN` the profiles linked to the integration: how an integration key's reads are scoped. */
export function linkedTo(column: Column, integrationId: string | Placeholder): SQL {
  return inArray(
    column,
    sql`(SELECT ${integrationProfiles.profileId} FROM ${integrationProfiles} WHERE ${integrationProfiles.integrationId} = ${integrationId})`,
  );
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
