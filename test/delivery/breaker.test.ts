import { describe, expect, it } from "vitest";
import {
  admits,
  afterVerdict,
  type Breaker,
  CLOSED,
  FAILURES_TO_OPEN,
  FIRST_PAUSE_MS,
  MAX_PAUSE_MS,
} from "../../src/delivery/breaker";
import { verdictOf } from "../../src/delivery/endpoint";
import { available, fullBucket, nextTokenAt, refill, take } from "../../src/delivery/token-bucket";

const failure = { kind: "failure" } as const;
const success = { kind: "success" } as const;

/** The breaker after `count` failures at `now`. */
function failed(breaker: Breaker, count: number, now: number) {
  let next = breaker;
  for (let i = 0; i < count; i++) next = afterVerdict(next, failure, now);
  return next;
}

describe("breaker", () => {
  it("opens after 5 failures in a row, probes once the pause is over, closes on success", () => {
    const t0 = 1_000_000;
    const four = failed(CLOSED, FAILURES_TO_OPEN - 1, t0);
    expect(four).toMatchObject({ state: "active", failures: 4 });
    expect(admits(four, t0, 10)).toBe(10);

    const open = afterVerdict(four, failure, t0);
    expect(open).toMatchObject({ state: "paused", reason: "failing", pausedUntil: t0 + 30_000 });
    expect(admits(open, t0 + 29_999, 10)).toBe(0);
    // Half-open: one request at a time.
    expect(admits(open, t0 + 30_000, 10)).toBe(1);

    expect(afterVerdict(open, success, t0 + 30_500)).toEqual(CLOSED);
  });

  it("a failed probe pauses again for twice as long, up to 30 minutes", () => {
    let breaker = failed(CLOSED, FAILURES_TO_OPEN, 0);
    const pauses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const at = breaker.pausedUntil ?? 0;
      breaker = afterVerdict(breaker, failure, at);
      pauses.push((breaker.pausedUntil ?? 0) - at);
    }
    expect(pauses.slice(0, 4)).toEqual([2, 4, 8, 16].map((k) => k * FIRST_PAUSE_MS));
    expect(pauses.at(-1)).toBe(MAX_PAUSE_MS);
  });

  it("answers to requests sent before the pause do not extend it; a 4xx is neutral", () => {
    const open = failed(CLOSED, FAILURES_TO_OPEN, 0);
    expect(afterVerdict(open, failure, 1000)).toBe(open);
    expect(afterVerdict(CLOSED, { kind: "neutral" }, 0)).toBe(CLOSED);
    expect(
      verdictOf({ webhookEnabled: true, sent: { statusCode: 400, retryAfter: null } }, 0),
    ).toEqual({ kind: "neutral" });
    expect(
      verdictOf({ webhookEnabled: true, sent: { statusCode: 502, retryAfter: null } }, 0),
    ).toEqual(failure);
    expect(
      verdictOf({ webhookEnabled: true, sent: { statusCode: null, retryAfter: null } }, 0),
    ).toEqual(failure);
    // A disabled webhook was not called: it says nothing about the endpoint.
    expect(
      verdictOf({ webhookEnabled: false, sent: { statusCode: null, retryAfter: null } }, 0),
    ).toEqual({ kind: "neutral" });
  });

  it("429 and 503 with retry-after pause the whole endpoint for that long", () => {
    const verdict = verdictOf(
      { webhookEnabled: true, sent: { statusCode: 429, retryAfter: "120" } },
      0,
    );
    expect(verdict).toEqual({ kind: "slow_down", seconds: 120 });
    const slowed = afterVerdict(CLOSED, verdict, 5000);
    expect(slowed).toMatchObject({ state: "paused", reason: "retry_after", pausedUntil: 125_000 });
    expect(admits(slowed, 124_999, 10)).toBe(0);
    expect(admits(slowed, 125_000, 10)).toBe(1);
    // Without retry-after, a 429 or 503 is a failure like any other.
    expect(
      verdictOf({ webhookEnabled: true, sent: { statusCode: 503, retryAfter: null } }, 0),
    ).toEqual(failure);
  });
});

describe("token bucket (max_per_second)", () => {
  it("allows a second's worth at once, then one token every 1/rate seconds", () => {
    let bucket = fullBucket(4, 0);
    expect(available(bucket)).toBe(4);
    bucket = take(bucket, 4);
    expect(available(bucket)).toBe(0);
    expect(nextTokenAt(bucket)).toBe(250);
    expect(available(refill(bucket, 249))).toBe(0);
    expect(available(refill(bucket, 250))).toBe(1);
    // It never saves up more than a second's worth.
    expect(available(refill(bucket, 60_000))).toBe(4);
  });
});
