import type { Database } from "../db/client";
import {
  deleteProfileWithoutEvents,
  findProfile,
  insertProfile,
  listProfiles,
  type ProfileRow,
  setProfileFieldMapping,
  updateProfile,
} from "../db/queries/profiles";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { nowIso, toStoredTime } from "../lib/time";
import type { MappingEntry } from "../lib/types";
import type { Pagination } from "../routes/common.schemas";

export async function createProfile(db: Database, accountId: string, input: { name: string }) {
  const now = nowIso();
  const profile: ProfileRow = {
    id: newId("prf"),
    accountId,
    name: input.name,
    activeIntegrationId: null,
    fieldMapping: [],
    createdAt: now,
    updatedAt: now,
  };
  await insertProfile(db, profile);
  return profile;
}

/** The profile of this account, else 404 (another account's profile is unknown too). */
export async function getProfile(db: Database, accountId: string, uid: string) {
  const profile = await findProfile(db, accountId, uid);
  if (!profile) throw notFound("Profile");
  return profile;
}

export function listAccountProfiles(db: Database, accountId: string, page: Pagination) {
  return listProfiles(db, accountId, {
    ...page,
    updatedSince: page.updated_since ? toStoredTime(page.updated_since) : undefined,
  });
}

export async function patchProfile(
  db: Database,
  accountId: string,
  uid: string,
  input: { name?: string },
) {
  const profile = await getProfile(db, accountId, uid);
  const updated = { ...profile, ...input, updatedAt: nowIso() };
  await updateProfile(db, uid, { name: updated.name, updatedAt: updated.updatedAt });
  return updated;
}

/** A profile that still has events cannot go (409): its events would be orphaned. */
export async function deleteProfile(db: Database, accountId: string, uid: string) {
  await getProfile(db, accountId, uid);
  if (!(await deleteProfileWithoutEvents(db, uid))) {
    throw new ApiError("CONFLICT", "This profile still has events; delete them first.", {
      details: [{ path: "uid", message: "The profile has events." }],
    });
  }
}

export async function putProfileFieldMapping(
  db: Database,
  accountId: string,
  uid: string,
  fieldMapping: MappingEntry[],
) {
  await getProfile(db, accountId, uid);
  await setProfileFieldMapping(db, uid, fieldMapping, nowIso());
  return fieldMapping;
}
