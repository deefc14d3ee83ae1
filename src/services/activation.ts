import type { Database } from "../db/client";
import {
  findIntegration,
  findIntegrationById,
  type IntegrationRow,
  isLinked,
  type Statement,
  setActiveIntegration,
} from "../db/queries/integrations";
import { eventFormsOfProfile, setEventFieldsIfActive } from "../db/queries/overrides";
import { ApiError, type ErrorCode, notFound } from "../errors";
import { nowIso } from "../lib/time";
import { formUnder, sameForm } from "./fixed-configuration";
import { getProfile } from "./profiles";

/**
 * Activation of an integration on a profile (API.md §4). At most one is active per profile at
 * any instant: every change goes through the profile's `PROFILE_LOCK` Durable Object, which runs
 * the functions at the bottom of this file one at a time. Callers use `profileLocks(env)`.
 */

export type Activation = {
  profile_uid: string;
  integration_id: string | null;
  /** What was active right before this request took effect (null: nothing). */
  replaced_integration_id: string | null;
};

/** What crosses the RPC boundary: an ApiError cannot, so it travels as a code and message. */
export type LockResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string };

/** The interface callers and tests see; `profileLocks` implements it with the Durable Object. */
export interface ProfileLocks {
  activate(accountId: string, profileId: string, integrationId: string): Promise<Activation>;
  /** Deactivates whatever is active; with `onlyIf`, only when that integration is the active one. */
  deactivate(accountId: string, profileId: string, onlyIf?: string): Promise<Activation>;
  /** Re-applies the active integration's fixed configuration to the profile's events. */
  refresh(accountId: string, profileId: string): Promise<Activation>;
}

type LockNamespace = Pick<Env, "PROFILE_LOCK">;

export function profileLocks(env: LockNamespace): ProfileLocks {
  const stub = (profileId: string) => env.PROFILE_LOCK.getByName(profileId);
  return {
    activate: async (accountId, profileId, integrationId) =>
      unwrap(await stub(profileId).activate(accountId, profileId, integrationId)),
    deactivate: async (accountId, profileId, onlyIf) =>
      unwrap(await stub(profileId).deactivate(accountId, profileId, onlyIf ?? null)),
    refresh: async (accountId, profileId) =>
      unwrap(await stub(profileId).refresh(accountId, profileId)),
  };
}

function unwrap<T>(result: LockResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.code, result.message);
}

/** Runs `work` and turns an ApiError into a result; anything else stays an exception. */
export async function asLockResult<T>(work: () => Promise<T>): Promise<LockResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

/** The profile's active integration, for `GET /v1/profiles/{uid}/integration`. */
export async function getActivation(db: Database, accountId: string, profileId: string) {
  const profile = await getProfile(db, accountId, profileId);
  return { profile_uid: profile.id, integration_id: profile.activeIntegrationId };
}

// Inside the lock: only the ProfileLock Durable Object calls these, one at a time per profile.

export async function activateLocked(
  db: Database,
  input: { accountId: string; profileId: string; integrationId: string },
): Promise<Activation> {
  const profile = await getProfile(db, input.accountId, input.profileId);
  const integration = await findIntegration(db, input.accountId, input.integrationId);
  if (!integration) throw notFound("Integration");
  if (!(await isLinked(db, integration.id, profile.id))) {
    throw new ApiError(
      "CONFLICT",
      `Integration ${integration.id} does not list profile ${profile.id}; link it first (profile_uids).`,
    );
  }
  await moveActive(db, profile.id, profile.activeIntegrationId, integration);
  return {
    profile_uid: profile.id,
    integration_id: integration.id,
    replaced_integration_id: profile.activeIntegrationId,
  };
}

export async function deactivateLocked(
  db: Database,
  input: { accountId: string; profileId: string; onlyIf: string | null },
): Promise<Activation> {
  const profile = await getProfile(db, input.accountId, input.profileId);
  const current = profile.activeIntegrationId;
  if (current !== null && (input.onlyIf === null || input.onlyIf === current)) {
    await moveActive(db, profile.id, current, null);
    return { profile_uid: profile.id, integration_id: null, replaced_integration_id: current };
  }
  return { profile_uid: profile.id, integration_id: current, replaced_integration_id: current };
}

export async function refreshLocked(
  db: Database,
  input: { accountId: string; profileId: string },
): Promise<Activation> {
  const profile = await getProfile(db, input.accountId, input.profileId);
  const current = profile.activeIntegrationId;
  const integration = current ? ((await findIntegrationById(db, current)) ?? null) : null;
  await moveActive(db, profile.id, current, integration);
  return { profile_uid: profile.id, integration_id: current, replaced_integration_id: current };
}

/**
 * One batch: the profile's active integration moves from `previous` to `next` (guarded on
 * `previous`), and every event of the profile that follows the profile (no override naming an
 * integration) gets its form under `next`.
 */
async function moveActive(
  db: Database,
  profileId: string,
  previous: string | null,
  next: IntegrationRow | null,
) {
  const at = nowIso();
  const nextId = next?.id ?? null;
  const statements: Statement[] = [];
  for (const event of await eventFormsOfProfile(db, profileId)) {
    if (event.overrideIntegrationId) continue;
    const fields = formUnder(event.fields, next);
    if (sameForm(fields, event.fields)) continue;
    statements.push(setEventFieldsIfActive(db, event.id, fields, at, profileId, nextId));
  }
  const [moved] = await db.batch([
    setActiveIntegration(db, profileId, previous, nextId, at),
    ...statements,
  ]);
  if (moved.length === 0) {
    throw new ApiError("CONFLICT", "The profile changed while activating; retry.");
  }
}
