import { DurableObject } from "cloudflare:workers";
import { createDeps } from "../../deps";
import { ApiError } from "../../errors";
import { activateLocked, deactivateLocked, refreshLocked } from "../../services/activation";
import type { Activation, LockResult } from "./interface";

/**
 * One object per profile (`PROFILE_LOCK.getByName(profileId)`): serialises activation changes on
 * that profile. Each RPC method holds `blockConcurrencyWhile` across its D1 reads and the batch,
 * so no two changes of one profile interleave. Callers go through `profileLocks(env)`.
 */
export class ProfileLock extends DurableObject<Env> {
  activate(
    accountId: string,
    profileId: string,
    integrationId: string,
  ): Promise<LockResult<Activation>> {
    return this.serialised(() =>
      activateLocked(this.deps(), { accountId, profileId, integrationId }),
    );
  }

  deactivate(
    accountId: string,
    profileId: string,
    onlyIf: string | null,
  ): Promise<LockResult<Activation>> {
    return this.serialised(() => deactivateLocked(this.deps(), { accountId, profileId, onlyIf }));
  }

  refresh(accountId: string, profileId: string): Promise<LockResult<Activation>> {
    return this.serialised(() => refreshLocked(this.deps(), { accountId, profileId }));
  }

  private deps() {
    return createDeps(this.env, this.ctx);
  }

  private serialised<T>(work: () => Promise<T>): Promise<LockResult<T>> {
    return this.ctx.blockConcurrencyWhile(() => asLockResult(work));
  }
}

/** Runs `work` and turns an ApiError into a result; anything else stays an exception. */
async function asLockResult<T>(work: () => Promise<T>): Promise<LockResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
