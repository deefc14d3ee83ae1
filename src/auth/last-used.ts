/**
 * When a key's `last_used_at` is written. Writing it on every request would double the writes of
 * a read; a minute is precise enough. Requests of a stale key that overlap all read the same
 * stale value before the first stamp lands: only the first of them writes.
 */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Enough for every key an isolate is likely to stamp in a minute; forgotten all at once past it. */
const MAX_REMEMBERED = 10_000;
/** Per key, the stored value this isolate has already stamped over. */
const stampedOver = new Map<string, string>();

/** Whether a stored last use (or none) is more than the resolution before `now`. */
export function isStale(lastUsedAt: string | null, now: string): boolean {
  return !lastUsedAt || Date.parse(now) - Date.parse(lastUsedAt) > LAST_USED_RESOLUTION_MS;
}

/** Whether the caller writes the stamp over `lastUsedAt` (what its request read): once per value. */
export function claimStamp(keyId: string, lastUsedAt: string | null): boolean {
  const over = lastUsedAt ?? "";
  if (stampedOver.get(keyId) === over) return false;
  if (stampedOver.size >= MAX_REMEMBERED) stampedOver.clear();
  stampedOver.set(keyId, over);
  return true;
}
