import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../factories";
import { expectError, request } from "../helpers/api";
import { costMeter } from "../helpers/round-trips";

/**
 * Failed authentication is rate limited per client address (src/auth/failed-auth.ts): guessing
 * keys cannot make Weft spend its database. The limit is env.TEST_AUTH_FAILURE_LIMIT per minute.
 */

const unknownKey = () =>
  `wft_admin_${btoa(crypto.randomUUID() + crypto.randomUUID())
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 43)}`;

/**
 * The limiter counts in fixed one-minute windows: a run that starts in a window's last seconds
 * would cross into the next and get the limit again. Start such a run in a fresh window.
 */
async function startOfAWindow(secondsNeeded: number) {
  const left = 60 - ((Date.now() / 1000) % 60);
  if (left < secondsNeeded) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100));
}

describe("failed authentication, per address", () => {
  it("costs at most the limit's worth of D1 lookups for 1,000 unknown keys, then 429 with retry-after", async () => {
    const address = "203.0.113.7";
    const limit = env.TEST_AUTH_FAILURE_LIMIT;
    let roundTrips = 0;
    const statuses: number[] = [];
    let lastRefusal: Awaited<ReturnType<typeof request>> | undefined;
    const startedMinute = Math.floor(Date.now() / 60_000);
    for (let i = 0; i < 1000; i++) {
      const meter = costMeter();
      const response = await request("GET", "/v1/events", {
        key: unknownKey(),
        headers: { "cf-connecting-ip": address },
        env: meter.env,
        onResponse: meter.responded,
      });
      roundTrips += meter.cost.roundTrips;
      statuses.push(response.status);
      if (response.status === 429) lastRefusal = response;
    }
    // The limiter counts in fixed one-minute windows: a run that crosses a minute gets the
    // limit again in the next one.
    const windows = Math.floor(Date.now() / 60_000) - startedMinute + 1;
    // Each unknown key is looked up on the replica and, missing, on the primary: two trips.
    expect(roundTrips).toBeLessThanOrEqual(2 * (limit + 1) * windows);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(limit * windows);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(
      1000 - limit * windows,
    );
    if (!lastRefusal) throw new Error("never refused");
    const error = expectError(lastRefusal, 429, "RATE_LIMITED");
    expect(error.message).toMatch(/failed authentications/);
    const retryAfter = Number(lastRefusal.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }, 120_000);

  it("holds back only the guessing address, and never a key this isolate already checks", async () => {
    const guessing = "203.0.113.8";
    const { key } = await createAccount();
    await startOfAWindow(20);
    // The key is known to this isolate before the address is blocked.
    expect((await request("GET", "/v1/account", { key })).status).toBe(200);
    for (let i = 0; i <= env.TEST_AUTH_FAILURE_LIMIT; i++) {
      await request("GET", "/v1/account", {
        key: unknownKey(),
        headers: { "cf-connecting-ip": guessing },
      });
    }
    const blocked = await request("GET", "/v1/account", {
      key: unknownKey(),
      headers: { "cf-connecting-ip": guessing },
    });
    expectError(blocked, 429, "RATE_LIMITED");
    const known = await request("GET", "/v1/account", {
      key,
      headers: { "cf-connecting-ip": guessing },
    });
    expect(known.status).toBe(200);
    const elsewhere = await request("GET", "/v1/account", {
      key: unknownKey(),
      headers: { "cf-connecting-ip": "198.51.100.9" },
    });
    expectError(elsewhere, 401, "UNAUTHORIZED");
  }, 60_000);
});
