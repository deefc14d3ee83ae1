import type { ENDPOINT_STATES, PAUSE_REASONS } from "../domain/webhook";
import { MAX_RETRY_AFTER_SECONDS } from "./retry-schedule";

/**
 * A webhook endpoint's circuit breaker (README "Receiving webhooks"): an endpoint that keeps
 * failing is paused as a whole instead of every delivery retrying on its own schedule, and a
 * `retry-after` on 429/503 pauses the endpoint, not only the delivery that got it. Pure: the
 * endpoint scheduler (delivery/endpoint.ts) keeps the state and asks.
 *
 * `active` (closed): everything flows. `paused` (open): nothing is sent before `pausedUntil`.
 * `probing` (half-open): one request at a time; its success closes, its failure pauses again for
 * twice as long (30 s, 1 min, 2 min ... at most 30 min).
 */

export type EndpointState = (typeof ENDPOINT_STATES)[number];
export type PauseReason = (typeof PAUSE_REASONS)[number];

export type Breaker = {
  state: EndpointState;
  /** Failed attempts in a row while active; FAILURES_TO_OPEN of them pause the endpoint. */
  failures: number;
  /** Milliseconds since the epoch; set while paused. */
  pausedUntil: number | null;
  reason: PauseReason | null;
  /** How many pauses in a row (the next is twice as long); a success resets it. */
  pauses: number;
};

export const FAILURES_TO_OPEN = 5;
export const FIRST_PAUSE_MS = 30_000;
export const MAX_PAUSE_MS = 30 * 60_000;

export const CLOSED: Breaker = {
  state: "active",
  failures: 0,
  pausedUntil: null,
  reason: null,
  pauses: 0,
};

/** What one answered attempt says about the endpoint. */
export type Verdict =
  | { kind: "success" }
  /** The receiver asked to wait (429/503 with `retry-after`), in seconds. */
  | { kind: "slow_down"; seconds: number }
  /** The endpoint looks unwell: no answer, a timeout, a 5xx, a 408. */
  | { kind: "failure" }
  /** About this delivery, not the endpoint (another 4xx, a webhook disabled meanwhile). */
  | { kind: "neutral" };

/** How many requests may be in flight now: 0 while paused, 1 while probing. */
export function admits(breaker: Breaker, now: number, concurrency: number): number {
  const current = resumed(breaker, now);
  if (current.state === "paused") return 0;
  return current.state === "probing" ? 1 : concurrency;
}

/** A pause whose time is over becomes a probe. */
export function resumed(breaker: Breaker, now: number): Breaker {
  if (breaker.state !== "paused" || (breaker.pausedUntil ?? 0) > now) return breaker;
  return { ...breaker, state: "probing", pausedUntil: null };
}

/** The breaker after an attempt's verdict. */
export function afterVerdict(breaker: Breaker, verdict: Verdict, now: number): Breaker {
  const current = resumed(breaker, now);
  switch (verdict.kind) {
    case "success":
      return CLOSED;
    case "neutral":
      return current;
    case "slow_down": {
      const seconds = Math.min(verdict.seconds, MAX_RETRY_AFTER_SECONDS);
      const until = Math.max(now + seconds * 1000, current.pausedUntil ?? 0);
      return { ...current, state: "paused", pausedUntil: until, reason: "retry_after" };
    }
    case "failure": {
      // An answer to a request sent before the pause changes nothing: the pause already counts it.
      if (current.state === "paused") return current;
      const failures = current.failures + 1;
      if (current.state === "active" && failures < FAILURES_TO_OPEN) {
        return { ...current, failures };
      }
      const pause = Math.min(FIRST_PAUSE_MS * 2 ** current.pauses, MAX_PAUSE_MS);
      return {
        state: "paused",
        failures,
        pausedUntil: now + pause,
        reason: "failing",
        pauses: current.pauses + 1,
      };
    }
  }
}

/** Whether the state shown on the webhook changes (worth a write to the webhook row). */
export function shownChanged(before: Breaker, after: Breaker): boolean {
  return (
    before.state !== after.state ||
    before.pausedUntil !== after.pausedUntil ||
    before.reason !== after.reason
  );
}
