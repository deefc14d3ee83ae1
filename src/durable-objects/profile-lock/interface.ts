import type { ErrorCode } from "../../errors";

/**
 * Activation of an integration on a profile (API.md §4). At most one integration is active per
 * profile at any instant: every change goes through the profile's `PROFILE_LOCK` Durable Object,
 * which applies them one at a time. Callers and tests see only this interface.
 */
export interface ProfileLocks {
  activate(accountId: string, profileId: string, integrationId: string): Promise<Activation>;
  /** Deactivates whatever is active; with `onlyIf`, only when that integration is the active one. */
  deactivate(accountId: string, profileId: string, onlyIf?: string): Promise<Activation>;
  /** Re-applies the active integration's fixed configuration to the profile's events. */
  refresh(accountId: string, profileId: string): Promise<Activation>;
}

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
