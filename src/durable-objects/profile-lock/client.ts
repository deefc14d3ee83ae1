import { ApiError } from "../../errors";
import type { LockResult, ProfileLocks } from "./interface";

/** The profile locks of this deployment: one `PROFILE_LOCK` object per profile, called by RPC. */
export function profileLocks(env: Pick<Env, "PROFILE_LOCK">): ProfileLocks {
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
