import { describe, expect, it } from "vitest";
import {
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_SECONDS,
  RETRY_DELAYS_SECONDS,
  retryAfterSeconds,
  retryDelaySeconds,
} from "../../src/delivery/retry-schedule";

const H = 3600;
/** §6: after failed attempts 1..9. */
const CONTRACT = [5, 5 * 60, 30 * 60, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H];

describe("retry schedule", () => {
  it("waits exactly the contract's delays without jitter (random 0.5)", () => {
    expect(RETRY_DELAYS_SECONDS).toEqual(CONTRACT);
    expect(MAX_ATTEMPTS).toBe(10);
    CONTRACT.forEach((delay, i) => {
      expect(retryDelaySeconds(i + 1, () => 0.5)).toBe(delay);
    });
  });

  it("moves each delay by at most 20 % either way", () => {
    CONTRACT.forEach((delay, i) => {
      expect(retryDelaySeconds(i + 1, () => 0)).toBe(Math.round(delay * 0.8));
      // random() < 1, so the top bound is approached, never passed.
      expect(retryDelaySeconds(i + 1, () => 0.999999)).toBeLessThanOrEqual(Math.round(delay * 1.2));
      expect(retryDelaySeconds(i + 1, () => 0.999999)).toBeGreaterThanOrEqual(
        Math.floor(delay * 1.19),
      );
      for (let n = 0; n < 50; n++) {
        const jittered = retryDelaySeconds(i + 1) ?? -1;
        expect(jittered).toBeGreaterThanOrEqual(Math.round(delay * 0.8));
        expect(jittered).toBeLessThanOrEqual(Math.round(delay * 1.2));
      }
    });
  });

  it("adds up to about three days", () => {
    const total = CONTRACT.reduce((a, b) => a + b, 0);
    expect(total / 86400).toBeGreaterThan(3);
    expect(total / 86400).toBeLessThan(3.5);
  });

  it("gives up after the 10th attempt", () => {
    expect(retryDelaySeconds(10, () => 0.5)).toBeNull();
    expect(retryDelaySeconds(11, () => 0.5)).toBeNull();
    expect(retryDelaySeconds(0, () => 0.5)).toBeNull();
  });

  it("reads retry-after as seconds or an HTTP date, capped at a day", () => {
    const now = Date.parse("2026-05-01T09:00:00Z");
    expect(retryAfterSeconds("120", now)).toBe(120);
    expect(retryAfterSeconds(" 7 ", now)).toBe(7);
    expect(retryAfterSeconds("0", now)).toBe(1);
    expect(retryAfterSeconds("Fri, 01 May 2026 09:10:00 GMT", now)).toBe(600);
    expect(retryAfterSeconds("Fri, 01 May 2026 08:00:00 GMT", now)).toBe(1);
    expect(retryAfterSeconds("9999999", now)).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(retryAfterSeconds("soon", now)).toBeNull();
    expect(retryAfterSeconds(null, now)).toBeNull();
  });
});
