import { pageOf } from "../db/page";
import { findAccount, insertAccount, setAccountFieldMapping } from "../db/queries/accounts";
import {
  insertKey,
  keyOf,
  liveKeyPageQueries,
  revokeAdminKeyUnlessLast,
} from "../db/queries/api-keys";
import { apiKeys } from "../db/schema";
import type { Deps } from "../deps";
import { type Pagination, pageWindow } from "../domain/pagination";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import type { MappingEntry } from "../lib/types";
import { buildKey } from "./keys";
import { confirmed } from "./read";

/** Creates an account with its first admin key, in one batch. */
export async function createAccount(deps: Deps, input: { name: string }) {
  const now = iso(deps.now());
  const account = {
    id: newId("acc"),
    name: input.name,
    fieldMapping: [],
    createdAt: now,
    updatedAt: now,
  };
  const key = await buildKey("admin", { accountId: account.id }, now);
  await deps.db.batch([insertAccount(deps.db, account), insertKey(deps.db, key.row)]);
  return { account, key };
}

export async function getAccount(deps: Deps, accountId: string) {
  const account = await confirmed(deps, () => findAccount(deps.db, accountId));
  if (!account) throw notFound("Account");
  return account;
}

export async function createAdminKey(deps: Deps, accountId: string) {
  const key = await buildKey("admin", { accountId }, iso(deps.now()));
  await insertKey(deps.db, key.row);
  return key;
}

export async function listAdminKeys(deps: Deps, accountId: string, page: Pagination) {
  return pageOf(
    apiKeys,
    await deps.db.batch(liveKeyPageQueries(deps.db, { accountId }, pageWindow(page))),
  );
}

/** Revokes an admin key at once; the last one cannot go, or the account would be locked out. */
export async function revokeAdminKey(deps: Deps, accountId: string, keyId: string) {
  const key = await confirmed(deps, async () => (await keyOf(deps.db, accountId, keyId))[0]);
  if (key?.kind !== "admin" || key.revokedAt) throw notFound("Admin key");
  if (!(await revokeAdminKeyUnlessLast(deps.db, accountId, keyId, iso(deps.now())))) {
    throw new ApiError("CONFLICT", "This is the account's last admin key; create another first.");
  }
}

export async function putAccountFieldMapping(
  deps: Deps,
  accountId: string,
  fieldMapping: MappingEntry[],
) {
  await setAccountFieldMapping(deps.db, accountId, fieldMapping, iso(deps.now()));
  return fieldMapping;
}
