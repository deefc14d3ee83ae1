/**
 * A webhook's `max_per_second` as a token bucket: `rate` tokens a second, at most `rate` (at least
 * one) saved up, so a burst of changes is spread out instead of dropped. Pure: the endpoint
 * scheduler keeps it in memory (after a restart it starts full, which is at most one second's worth).
 */
export type Bucket = { rate: number; tokens: number; at: number };

export function fullBucket(rate: number, now: number): Bucket {
  return { rate, tokens: capacity(rate), at: now };
}

const capacity = (rate: number) => Math.max(1, rate);

/** The bucket refilled up to `now` (a new `rate` applies from now on). */
export function refill(bucket: Bucket, now: number, rate = bucket.rate): Bucket {
  const elapsed = Math.max(0, now - bucket.at);
  const tokens = Math.min(capacity(rate), bucket.tokens + (elapsed * bucket.rate) / 1000);
  return { rate, tokens, at: now };
}

/** Whole requests the bucket allows now. */
export const available = (bucket: Bucket) => Math.floor(bucket.tokens + 1e-9);

export function take(bucket: Bucket, count: number): Bucket {
  return { ...bucket, tokens: bucket.tokens - count };
}

/** When the next whole token is there (milliseconds since the epoch). */
export function nextTokenAt(bucket: Bucket): number {
  const missing = Math.max(0, 1 - bucket.tokens);
  return bucket.at + Math.ceil((missing * 1000) / bucket.rate);
}
