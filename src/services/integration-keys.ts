import { pageOf } from "../db/page";
import { expireKey, insertKey, keyOf, liveKeyPageQueries, revokeKey } from "../db/queries/api-keys";
import { apiKeys } from "../db/schema";
import type { Deps } from "../deps";
import { scopesOf } from "../domain/api-key";
import { type Pagination, pageWindow } from "../domain/pagination";
import { ApiError, notFound } from "../errors";
import { addSeconds, iso, toStoredTime } from "../lib/time";
import type { KeyScope } from "../lib/types";
import { integrationWith, requireIntegration } from "./integrations";
import { buildKey } from "./keys";

export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 604_800;

/** A live key of the account's integration, read with the integration; else 404. */
async function requireKey(deps: Deps, accountId: string, integrationId: string, keyId: string) {
  const {
    rest: [rows],
  } = await integrationWith(deps, accountId, integrationId, (db) => [keyOf(db, accountId, keyId)]);
  const key = rows[0];
  if (!key || key.integrationId !== integrationId || key.revokedAt) throw notFound("Key");
  return key;
}

export type KeyInput = { scopes?: KeyScope[]; expires_at?: string };

/** A new `wft_live_` key for the integration; the secret is returned once. */
export async function createIntegrationKey(
  deps: Deps,
  accountId: string,
  integrationId: string,
  input: KeyInput = {},
) {
  const now = iso(deps.now());
  const expiresAt = input.expires_at === undefined ? null : toStoredTime(input.expires_at);
  if (expiresAt !== null && expiresAt <= now) {
    throw new ApiError("VALIDATION_FAILED", "The request did not match the schema.", {
      details: [{ path: "expires_at", message: "Must be in the future." }],
    });
  }
  await requireIntegration(deps, accountId, integrationId);
  const key = await buildKey("integration", { accountId, integrationId }, now, {
    scopes: input.scopes,
    expiresAt,
  });
  await insertKey(deps.db, key.row);
  return key;
}

/** Live (not revoked) keys, oldest first; expired ones stay listed with their `expires_at`. */
export async function listIntegrationKeys(
  deps: Deps,
  accountId: string,
  integrationId: string,
  page: Pagination,
) {
  const { rest } = await integrationWith(deps, accountId, integrationId, (db) =>
    liveKeyPageQueries(db, { accountId, integrationId }, pageWindow(page)),
  );
  return pageOf(apiKeys, rest);
}

/**
 * A new key, and the old one expires after `graceSeconds` (never later than an expiry it
 * already had). Both in one batch.
 */
export async function rotateIntegrationKey(
  deps: Deps,
  accountId: string,
  integrationId: string,
  keyId: string,
  graceSeconds: number = DEFAULT_GRACE_SECONDS,
) {
  const old = await requireKey(deps, accountId, integrationId, keyId);
  const now = iso(deps.now());
  if (old.expiresAt && old.expiresAt <= now) {
    throw new ApiError("CONFLICT", "This key has already expired; create a new key instead.");
  }
  // The new key does what the old one did, until the old one's planned end, if it had one.
  const key = await buildKey("integration", { accountId, integrationId }, now, {
    scopes: scopesOf(old) ?? undefined,
    expiresAt: old.expiresAt,
  });
  const expiresAt = addSeconds(now, graceSeconds);
  await deps.db.batch([insertKey(deps.db, key.row), expireKey(deps.db, old.id, expiresAt)]);
  return key;
}

export async function revokeIntegrationKey(
  deps: Deps,
  accountId: string,
  integrationId: string,
  keyId: string,
) {
  await requireKey(deps, accountId, integrationId, keyId);
  await revokeKey(deps.db, keyId, iso(deps.now()));
}
