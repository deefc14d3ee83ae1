import { eventFormsOfProfile, setEventFieldsIfActive } from "../db/queries/events";
import {
  activeIntegrationOf,
  type IntegrationRow,
  integrationOf,
  linkOf,
} from "../db/queries/integrations";
import { profileOf, setActiveIntegration } from "../db/queries/profiles";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import { followsProfile } from "../domain/routing";
import type { Activation } from "../durable-objects/profile-lock/interface";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import { getProfile } from "./profiles";

/**
 * Activation of an integration on a profile (API.md §4). Requests go through `deps.locks` (the
 * profile's `PROFILE_LOCK` Durable Object), which runs the `*Locked` functions below one at a
 * time per profile: each reads what it needs in one round trip and writes in one batch.
 */

/** The profile's active integration, for `GET /v1/profiles/{uid}/integration`. */
export async function getActivation(deps: Deps, accountId: string, profileId: string) {
  const profile = await getProfile(deps, accountId, profileId);
  return { profile_uid: profile.id, integration_id: profile.activeIntegrationId };
}

// Inside the lock: only the ProfileLock Durable Object calls these, one at a time per profile.

export async function activateLocked(
  deps: Deps,
  input: { accountId: string; profileId: string; integrationId: string },
): Promise<Activation> {
  const { db } = deps;
  const [profiles, integrations, links, forms] = await db.batch([
    profileOf(db, input.accountId, input.profileId),
    integrationOf(db, input.accountId, input.integrationId),
    linkOf(db, input.integrationId, input.profileId),
    eventFormsOfProfile(db, input.profileId),
  ]);
  const [profile] = profiles;
  const [integration] = integrations;
  if (!profile) throw notFound("Profile");
  if (!integration) throw notFound("Integration");
  if (links.length === 0) {
    throw new ApiError(
      "CONFLICT",
      `Integration ${integration.id} does not list profile ${profile.id}; link it first (profile_uids).`,
    );
  }
  await moveActive(deps, profile.id, profile.activeIntegrationId, integration, forms);
  return {
    profile_uid: profile.id,
    integration_id: integration.id,
    replaced_integration_id: profile.activeIntegrationId,
  };
}

export async function deactivateLocked(
  deps: Deps,
  input: { accountId: string; profileId: string; onlyIf: string | null },
): Promise<Activation> {
  const { db } = deps;
  const [profiles, forms] = await db.batch([
    profileOf(db, input.accountId, input.profileId),
    eventFormsOfProfile(db, input.profileId),
  ]);
  const [profile] = profiles;
  if (!profile) throw notFound("Profile");
  const current = profile.activeIntegrationId;
  if (current !== null && (input.onlyIf === null || input.onlyIf === current)) {
    await moveActive(deps, profile.id, current, null, forms);
    return { profile_uid: profile.id, integration_id: null, replaced_integration_id: current };
  }
  return { profile_uid: profile.id, integration_id: current, replaced_integration_id: current };
}

export async function refreshLocked(
  deps: Deps,
  input: { accountId: string; profileId: string },
): Promise<Activation> {
  const { db } = deps;
  const [profiles, active, forms] = await db.batch([
    profileOf(db, input.accountId, input.profileId),
    activeIntegrationOf(db, input.accountId, input.profileId),
    eventFormsOfProfile(db, input.profileId),
  ]);
  const [profile] = profiles;
  if (!profile) throw notFound("Profile");
  const current = profile.activeIntegrationId;
  await moveActive(deps, profile.id, current, active[0] ?? null, forms);
  return { profile_uid: profile.id, integration_id: current, replaced_integration_id: current };
}

/**
 * One batch: the profile's active integration moves from `previous` to `next` (guarded on
 * `previous`), and every event that follows the profile gets its form under `next`.
 */
async function moveActive(
  deps: Deps,
  profileId: string,
  previous: string | null,
  next: IntegrationRow | null,
  forms: Awaited<ReturnType<typeof eventFormsOfProfile>>,
) {
  const { db } = deps;
  const at = iso(deps.now());
  const nextId = next?.id ?? null;
  const changes = forms.flatMap((event) => {
    if (!followsProfile({ integrationId: event.overrideIntegrationId })) return [];
    const fields = formUnder(event.fields, next);
    if (sameForm(fields, event.fields)) return [];
    return [setEventFieldsIfActive(db, event.id, fields, at, profileId, nextId)];
  });
  const [moved] = await db.batch([
    setActiveIntegration(db, profileId, previous, nextId, at),
    ...changes,
  ]);
  if (moved.length === 0) {
    throw new ApiError("CONFLICT", "The profile changed while activating; retry.");
  }
}
