import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/**
 * Failed authentication is rate limited per client address (wrangler.toml `AUTH_FAILURES`): every
 * unknown key costs a D1 lookup, so guessing must not let anyone spend the database. Failures are
 * counted by the Workers Rate Limiting binding; once an address is over, this isolate refuses it
 * with 429 before any work until the window turns (each isolate pays at most one more lookup).
 */

// Must match `simple.period` of AUTH_FAILURES in wrangler.toml.
const PERIOD_SECONDS = 60;

/** Addresses over the limit, as seen by this isolate, and when their window turns (ms). */
const blockedUntil = new Map<string, number>();

/** The caller's address as Cloudflare sets it; none in local development and tests. */
function addressOf(c: Context<AppEnv>): string | undefined {
  return c.req.header("cf-connecting-ip");
}

function tooMany(now: number): ApiError {
  const retryAfter = PERIOD_SECONDS - (Math.floor(now / 1000) % PERIOD_SECONDS);
  return new ApiError("RATE_LIMITED", "Too many failed authentications from this address.", {
    headers: { "retry-after": String(retryAfter) },
  });
}

/** 429 at once for an address this isolate knows to be over its failures. */
export function refuseBlockedAddress(c: Context<AppEnv>): void {
  const address = addressOf(c);
  const until = address && blockedUntil.get(address);
  if (!address || !until) return;
  const now = c.get("deps").now();
  if (now < until) throw tooMany(now);
  blockedUntil.delete(address);
}

/** Counts a failed authentication; the one that goes over the limit is answered 429 itself. */
export async function countFailure(c: Context<AppEnv>, failure: ApiError): Promise<ApiError> {
  const address = addressOf(c);
  if (!address) return failure;
  const { success } = await c.env.AUTH_FAILURES.limit({ key: address });
  if (success) return failure;
  const now = c.get("deps").now();
  blockedUntil.set(address, (Math.floor(now / 1000 / PERIOD_SECONDS) + 1) * PERIOD_SECONDS * 1000);
  return tooMany(now);
}
