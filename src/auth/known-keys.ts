import type { KeyKind } from "../domain/api-key";
import { RecentMap } from "../lib/recent-map";
import type { KeyScope } from "../lib/types";

/**
 * What never changes about a key once it exists: its account, its kind and its integration,
 * remembered per isolate by the hash of the key. Whether it still works (revoked, expired) and
 * what it grants (API access, linked profiles) change, so every request checks them again in its
 * first D1 round trip (src/auth/middleware.ts); nothing here can make a revoked key work.
 */
export type KeyFacts = {
  keyId: string;
  accountId: string;
  kind: KeyKind;
  integrationId: string | null;
  /** An integration key's scopes (they never change once the key exists); null for an admin key. */
  scopes: KeyScope[] | null;
};

/** Enough for every key an isolate is likely to see; the oldest is forgotten first. */
const known = new RecentMap<string, KeyFacts>(10_000);

export function knownKey(hash: string): KeyFacts | undefined {
  return known.get(hash);
}

export function rememberKey(hash: string, facts: KeyFacts): void {
  known.set(hash, facts);
}

export function forgetKey(hash: string): void {
  known.delete(hash);
}
