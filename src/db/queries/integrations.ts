import { eq } from "drizzle-orm";
import type { Database } from "../client";
import { integrationProfiles, integrations } from "../schema";

export type IntegrationRow = typeof integrations.$inferSelect;

export function findIntegrationById(db: Database, id: string) {
  return db.select().from(integrations).where(eq(integrations.id, id)).get();
}

export async function linkedProfileIds(db: Database, integrationId: string): Promise<string[]> {
  const rows = await db
    .select({ profileId: integrationProfiles.profileId })
    .from(integrationProfiles)
    .where(eq(integrationProfiles.integrationId, integrationId));
  return rows.map((row) => row.profileId);
}
