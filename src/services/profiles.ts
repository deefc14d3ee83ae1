import {
  deleteProfileWithoutEvents,
  insertProfile,
  listProfiles,
  type ProfileRow,
  profileOf,
  setProfileFieldMapping,
  updateProfile,
} from "../db/queries/profiles";
import { first } from "../db/rows";
import type { Deps } from "../deps";
import { type Pagination, pageWindow } from "../domain/pagination";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso, toStoredTime } from "../lib/time";
import type { MappingEntry } from "../lib/types";
import { confirmed } from "./read";

export type ProfileInput = { name: string; fire_on_payment?: boolean };

export async function createProfile(deps: Deps, accountId: string, input: ProfileInput) {
  const now = iso(deps.now());
  const profile: ProfileRow = {
    id: newId("prf"),
    accountId,
    name: input.name,
    activeIntegrationId: null,
    fireOnPayment: input.fire_on_payment ?? false,
    fieldMapping: [],
    createdAt: now,
    updatedAt: now,
  };
  await insertProfile(deps.db, profile);
  return profile;
}

/** The profile of this account, else 404 (another account's profile is unknown too). */
export async function getProfile(deps: Deps, accountId: string, uid: string) {
  const profile = await confirmed(deps, () => first(profileOf(deps.db, accountId, uid)));
  if (!profile) throw notFound("Profile");
  return profile;
}

export function listAccountProfiles(deps: Deps, accountId: string, page: Pagination) {
  return listProfiles(
    deps.db,
    { accountId, updatedSince: page.updated_since && toStoredTime(page.updated_since) },
    pageWindow(page),
  );
}

export async function patchProfile(
  deps: Deps,
  accountId: string,
  uid: string,
  input: Partial<ProfileInput>,
) {
  const profile = await getProfile(deps, accountId, uid);
  const changes = {
    name: input.name ?? profile.name,
    fireOnPayment: input.fire_on_payment ?? profile.fireOnPayment,
    updatedAt: iso(deps.now()),
  };
  await updateProfile(deps.db, uid, changes);
  return { ...profile, ...changes };
}

/** A profile that still has events cannot go (409): its events would be orphaned. */
export async function deleteProfile(deps: Deps, accountId: string, uid: string) {
  await getProfile(deps, accountId, uid);
  if (!(await deleteProfileWithoutEvents(deps.db, uid))) {
    throw new ApiError("CONFLICT", "This profile still has events; delete them first.", {
      details: [{ path: "uid", message: "The profile has events." }],
    });
  }
}

export async function putProfileFieldMapping(
  deps: Deps,
  accountId: string,
  uid: string,
  fieldMapping: MappingEntry[],
) {
  await getProfile(deps, accountId, uid);
  await setProfileFieldMapping(deps.db, uid, fieldMapping, iso(deps.now()));
  return fieldMapping;
}
