import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../client";
import { failedWith } from "../failed-with";
import { type JsonRow, jsonRow, readRow } from "../json-rows";
import { type PageWindow, pageQueries } from "../page";
import { batchPrepared, jsonQuery, prepared } from "../prepared";
import { apiKeys, integrationProfiles, integrations } from "../schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * The key with this hash and, for an integration key, what it grants (its integration and the
 * profiles linked to it): one round trip, since every request of an integration key needs both.
 */
export async function findKeyByHash(db: Database, hash: string) {
  return keyWithGrant(await batchPrepared(db, keyWithGrantQueries(db, hash)));
}

/**
 * The query of `findKeyByHash`, to ride on a request's first read (src/auth/middleware.ts): one
 * statement, whose row is the key, its integration and the profiles linked to it as JSON.
 */
export function keyWithGrantQueries(db: Database, hash: string) {
  return [[keyWithGrantByHash(db), { hash }]] as const;
}

type KeyWithGrantRow = { key: JsonRow; integration: JsonRow | null; profileIds: string[] };

/** The key and its grant from the results of `keyWithGrantQueries`; undefined for no such key. */
export function keyWithGrant([found]: readonly [KeyWithGrantRow | undefined]) {
  return (
    found && {
      key: readRow(apiKeys)(found.key),
      integration: found.integration ? readRow(integrations)(found.integration) : undefined,
      profileIds: found.profileIds,
    }
  );
}

export type KeyWithGrant = NonNullable<ReturnType<typeof keyWithGrant>>;

const keyWithGrantByHash = (db: Database) =>
  prepared(db, "keyWithGrantByHash", () =>
    jsonQuery<KeyWithGrantRow>(
      db,
      sql`SELECT ${jsonRow(apiKeys)} AS "key",
        (SELECT ${jsonRow(integrations)} FROM ${integrations}
          WHERE ${integrations.id} = ${apiKeys.integrationId}) AS "integration",
        (SELECT json_group_array(${integrationProfiles.profileId}) FROM ${integrationProfiles}
          WHERE ${integrationProfiles.integrationId} = ${apiKeys.integrationId}) AS "profileIds"
      FROM ${apiKeys} WHERE ${apiKeys.hash} = ${sql.placeholder("hash")}`,
    ),
  );

export function insertKey(db: Database, row: typeof apiKeys.$inferInsert) {
  return db.insert(apiKeys).values(row);
}

/** The account's key (a list of at most one row, to read alone or in a batch). */
export function keyOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id)))
    .limit(1);
}

/**
 * The queries of one page of keys that have not been revoked, oldest first, with the total: the
 * account's admin keys, or an integration's keys.
 */
export function liveKeyPageQueries(
  db: Database,
  where: { accountId: string; integrationId?: string },
  window: PageWindow,
) {
  const condition = and(
    eq(apiKeys.accountId, where.accountId),
    where.integrationId
      ? eq(apiKeys.integrationId, where.integrationId)
      : eq(apiKeys.kind, "admin"),
    isNull(apiKeys.revokedAt),
  );
  return pageQueries(db, apiKeys, condition, window);
}

export function revokeKey(db: Database, id: string, at: string) {
  return db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id));
}

/**
 * Revokes the account's admin key only while another live admin key remains, in one statement, so
 * two concurrent revokes cannot take the last two. True if it was revoked.
 */
export async function revokeAdminKeyUnlessLast(
  db: Database,
  accountId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(
      and(
        eq(apiKeys.id, id),
        sql`(SELECT count(*) FROM ${apiKeys} WHERE ${apiKeys.accountId} = ${accountId}
          AND ${apiKeys.kind} = 'admin' AND ${apiKeys.revokedAt} IS NULL) > 1`,
      ),
    )
    .returning({ id: apiKeys.id });
  return revoked.length === 1;
}

/** The SQLite message a batch fails with when its `keyGuard` refuses the key. */
const GUARD_REFUSED = "malformed JSON";

/**
 * A statement that fails its batch unless the key with this hash works: not revoked, not expired
 * at `now`, and an integration key's integration has API access. It leads every batch a request
 * writes, so the primary checks the key itself, and it refuses whatever the key's check
 * (`keyWithGrant`, src/auth/middleware.ts) refuses, so that check may ride in the same batch.
 */
export function keyGuard(hash: string, now: string) {
  return { sql: `SELECT ${KEY_GUARD}`, params: [hash, now] };
}

/** The guard's expression: its values are the key's hash, then the instant. */
const KEY_GUARD = `json(CASE WHEN EXISTS (SELECT 1 FROM api_keys WHERE hash = ?
      AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
      AND (integration_id IS NULL OR EXISTS (SELECT 1 FROM integrations
        WHERE integrations.id = api_keys.integration_id AND integrations.api_access = 1)))
      THEN '1' ELSE 'refused' END)`;

/**
 * `keyGuard` and the key's check (`check`, the statement of `keyWithGrantQueries`) in one
 * statement, to lead a write that carries the check (db/session.ts `withCheck`): it fails as the
 * guard does, and its row is the check's (a `guard` column besides), so `keyWithGrant` reads it as
 * it reads the check's.
 */
export function keyGuardWithGrant(
  db: Database,
  hash: string,
  now: string,
  check: { sql: string; params: readonly unknown[] },
) {
  // LEFT JOIN on a row of its own: one row always, so the guard is evaluated even for no key.
  const sql = prepared(
    db,
    "keyGuardWithGrant",
    () =>
      `SELECT ${KEY_GUARD} AS "guard", "checked".* FROM (SELECT 1) LEFT JOIN (${check.sql}) AS "checked"`,
  );
  return { sql, params: [hash, now, ...check.params] };
}

/** Whether a batch failed because its `keyGuard` refused the key. */
export function refusedByKeyGuard(error: unknown): boolean {
  return failedWith(error, GUARD_REFUSED);
}

export function touchKey(db: Database, id: string, at: string) {
  return db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

/**
 * A rotation's end of the old key: it stops working at `at`, unless it had an earlier expiry
 * already, and is marked rotated (the sweeper does not announce its expiry).
 */
export function expireKey(db: Database, id: string, at: string) {
  return db
    .update(apiKeys)
    .set({ expiresAt: sql`min(coalesce(${apiKeys.expiresAt}, ${at}), ${at})`, rotatedAt: at })
    .where(eq(apiKeys.id, id));
}

export function deleteIntegrationKeys(db: Database, integrationId: string) {
  return db.delete(apiKeys).where(eq(apiKeys.integrationId, integrationId));
}
