import {
  EVENT_CHANGED,
  eventFormsOfProfile,
  eventsFingerprint,
  setEventFields,
} from "../db/queries/events";
import {
  activeIntegrationOf,
  type IntegrationRow,
  integrationOf,
  linkOf,
} from "../db/queries/integrations";
import { PROFILE_CHANGED, profileOf, setActiveIntegration } from "../db/queries/profiles";
import { commitChange } from "../delivery/outbox";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import { followsProfile } from "../domain/routing";
import type { Activation } from "../durable-objects/profile-lock/interface";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import { retryWhenChanged } from "./compare-and-set";
import { formChangedTrigger } from "./events";
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

export function activateLocked(
  deps: Deps,
  input: { accountId: string; profileId: string; integrationId: string },
): Promise<Activation> {
  return retryWhenMoved(deps, () => activateOnce(deps, input));
}

async function activateOnce(
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

export function deactivateLocked(
  deps: Deps,
  input: { accountId: string; profileId: string; onlyIf: string | null },
): Promise<Activation> {
  return retryWhenMoved(deps, () => deactivateOnce(deps, input));
}

async function deactivateOnce(
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

export function refreshLocked(
  deps: Deps,
  input: { accountId: string; profileId: string },
): Promise<Activation> {
  return retryWhenMoved(deps, () => refreshOnce(deps, input));
}

async function refreshOnce(
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
 * An event created, changed or given another override while the lock read the profile's events
 * fails the move's batch: it is read and applied again.
 */
function retryWhenMoved<T>(deps: Deps, move: () => Promise<T>): Promise<T> {
  return retryWhenChanged(deps, [PROFILE_CHANGED, EVENT_CHANGED], "profile", move);
}

/**
 * One batch: the profile's active integration moves from `previous` to `next` (guarded on
 * `previous` and on its events being as read), and every event that follows the profile gets its
 * form under `next`, with an `event.update` for each form that changed.
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
  const changed = forms.flatMap(({ event, overrideIntegrationId }) => {
    if (!followsProfile({ integrationId: overrideIntegrationId })) return [];
    const fields = formUnder(event.fields, next);
    return sameForm(fields, event.fields) ? [] : [{ event, fields }];
  });
  const {
    results: [moved],
  } = await commitChange(
    deps,
    [
      setActiveIntegration(db, profileId, {
        previous,
        next,
        at,
        eventsAsRead: eventsFingerprint(forms),
      }),
      ...changed.map(({ event, fields }) =>
        setEventFields(db, event.id, fields, at, { readAt: event.updatedAt }),
      ),
    ],
    changed.map(({ event, fields }) => formChangedTrigger(event, fields, at)),
  );
  if ((moved as unknown[]).length === 0) {
    throw new ApiError("CONFLICT", "The profile changed while activating; retry.");
  }
}
