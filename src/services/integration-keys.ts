import type { Database } from "../db/client";
import { expireKey, findKey, insertKey, listLiveKeys, revokeKey } from "../db/queries/api-keys";
import { ApiError, notFound } from "../errors";
import { addSeconds, nowIso } from "../lib/time";
import { requireIntegration } from "./integrations";
import { buildKey } from "./keys";

export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 604_800;

async function requireKey(db: Database, accountId: string, integrationId: string, keyId: string) {
  await requireIntegration(db, accountId, integrationId);
  const key = await findKey(db, accountId, keyId);
  if (!key || key.integrationId !== integrationId || key.revokedAt) throw notFound("Key");
  return key;
}

/** A new `wft_live_` key for the integration; the secret is returned once. */
export async function createIntegrationKey(db: Database, accountId: string, integrationId: string) {
  await requireIntegration(db, accountId, integrationId);
  const key = await buildKey("integration", { accountId, integrationId }, nowIso());
  await insertKey(db, key.row);
  return key;
}

/** Live (not revoked) keys, oldest first; expired ones stay listed with their `expires_at`. */
export async function listIntegrationKeys(db: Database, accountId: string, integrationId: string) {
  await requireIntegration(db, accountId, integrationId);
  return listLiveKeys(db, { accountId, integrationId });
}

/**
 * A new key, and the old one expires after `graceSeconds` (never later than an expiry it
 * already had). Both in one batch.
 */
export async function rotateIntegrationKey(
  db: Database,
  accountId: string,
  integrationId: string,
  keyId: string,
  graceSeconds: number = DEFAULT_GRACE_SECONDS,
) {
  const old = await requireKey(db, accountId, integrationId, keyId);
  const now = nowIso();
  if (old.expiresAt && old.expiresAt <= now) {
    throw new ApiError("CONFLICT", "This key has already expired; create a new key instead.");
  }
  const key = await buildKey("integration", { accountId, integrationId }, now);
  const expiresAt = addSeconds(now, graceSeconds);
  await db.batch([insertKey(db, key.row), expireKey(db, old.id, expiresAt)]);
  return key;
}

export async function revokeIntegrationKey(
  db: Database,
  accountId: string,
  integrationId: string,
  keyId: string,
) {
  await requireKey(db, accountId, integrationId, keyId);
  await revokeKey(db, keyId, nowIso());
}
