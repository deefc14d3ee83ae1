import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import {
  type Activation,
  activateLocked,
  asLockResult,
  deactivateLocked,
  type LockResult,
  refreshLocked,
} from "../services/activation";

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
      activateLocked(createDb(this.env.DB), { accountId, profileId, integrationId }),
    );
  }

  deactivate(
    accountId: string,
    profileId: string,
    onlyIf: string | null,
  ): Promise<LockResult<Activation>> {
    return this.serialised(() =>
      deactivateLocked(createDb(this.env.DB), { accountId, profileId, onlyIf }),
    );
  }

  refresh(accountId: string, profileId: string): Promise<LockResult<Activation>> {
    return this.serialised(() => refreshLocked(createDb(this.env.DB), { accountId, profileId }));
  }

  private serialised<T>(work: () => Promise<T>): Promise<LockResult<T>> {
    return this.ctx.blockConcurrencyWhile(() => asLockResult(work));
  }
}
