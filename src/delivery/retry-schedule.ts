/** Waits after failed attempt 1..9, in seconds: about three days in all. */
export const RETRY_DELAYS_SECONDS = [
  5,
  5 * 60,
  30 * 60,
  2 * 3600,
  5 * 3600,
  10 * 3600,
  14 * 3600,
  20 * 3600,
  24 * 3600,
] as const;

/** After this many failed attempts a delivery is `failed`. */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** Each wait is moved by up to this fraction either way, so retries of many deliveries spread out. */
export const JITTER = 0.2;

/**
 * Seconds to wait after attempt `attempt` (1-based) failed, or null when it was the last.
 * `random` returns [0, 1) like Math.random; it is injectable so tests can pin the jitter.
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random) {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_SECONDS[attempt - 1] as number;
  const factor = 1 - JITTER + 2 * JITTER * random();
  return Math.max(1, Math.round(base * factor));
}

/**
 * The wait a `retry-after` header asks for (delta seconds or an HTTP date), or null when it is
 * absent or unreadable. Capped at one day so a receiver cannot park a delivery for ever.
 */
export function retryAfterSeconds(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    seconds = Math.ceil((at - nowMs) / 1000);
  }
  return Math.min(Math.max(seconds, 1), MAX_RETRY_AFTER_SECONDS);
}

export const MAX_RETRY_AFTER_SECONDS = 24 * 3600;
