import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "../client";
import { apiKeys } from "../schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function findKeyByHash(db: Database, hash: string) {
  return db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).get();
}

export function insertKey(db: Database, row: typeof apiKeys.$inferInsert) {
  return db.insert(apiKeys).values(row);
}

export function findKey(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id)))
    .get();
}

/** Keys that have not been revoked, oldest first. */
export function listLiveKeys(db: Database, where: { accountId: string; integrationId?: string }) {
  return db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.accountId, where.accountId),
        where.integrationId
          ? eq(apiKeys.integrationId, where.integrationId)
          : eq(apiKeys.kind, "admin"),
        isNull(apiKeys.revokedAt),
      ),
    )
    .orderBy(asc(apiKeys.createdAt));
}

export function revokeKey(db: Database, id: string, at: string) {
  return db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id));
}

export function touchKey(db: Database, id: string, at: string) {
  return db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}
