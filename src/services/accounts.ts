import type { Database } from "../db/client";
import { findAccount, insertAccount, setAccountFieldMapping } from "../db/queries/accounts";
import { findKey, insertKey, listLiveKeys, revokeAdminKeyUnlessLast } from "../db/queries/api-keys";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import type { MappingEntry } from "../lib/types";
import { buildKey } from "./keys";

/** Creates an account with its first admin key, in one batch. */
export async function createAccount(db: Database, input: { name: string }) {
  const now = nowIso();
  const account = {
    id: newId("acc"),
    name: input.name,
    fieldMapping: [],
    createdAt: now,
    updatedAt: now,
  };
  const key = await buildKey("admin", { accountId: account.id }, now);
  await db.batch([insertAccount(db, account), insertKey(db, key.row)]);
  return { account, key };
}

export async function getAccount(db: Database, accountId: string) {
  const account = await findAccount(db, accountId);
  if (!account) throw notFound("Account");
  return account;
}

export async function createAdminKey(db: Database, accountId: string) {
  const key = await buildKey("admin", { accountId }, nowIso());
  await insertKey(db, key.row);
  return key;
}

export function listAdminKeys(db: Database, accountId: string) {
  return listLiveKeys(db, { accountId });
}

/** Revokes an admin key at once; the last one cannot go, or the account would be locked out. */
export async function revokeAdminKey(db: Database, accountId: string, keyId: string) {
  const key = await findKey(db, accountId, keyId);
  if (key?.kind !== "admin" || key.revokedAt) throw notFound("Admin key");
  if (!(await revokeAdminKeyUnlessLast(db, accountId, keyId, nowIso()))) {
    throw new ApiError("CONFLICT", "This is the account's last admin key; create another first.");
  }
}

export async function putAccountFieldMapping(
  db: Database,
  accountId: string,
  fieldMapping: MappingEntry[],
) {
  await setAccountFieldMapping(db, accountId, fieldMapping, nowIso());
  return fieldMapping;
}
