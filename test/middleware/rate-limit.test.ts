import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount, createIntegration, createIntegrationKey } from "../factories";
import { api, expectError } from "../helpers/api";

describe("rate limiting per key", () => {
  it("answers 429 with retry-after once a key is over its limit, and spares the account's other keys", async () => {
    const { key: firstAdmin } = await createAccount();
    // Counted per key, not per account: the same account's other keys are not held back.
    const integration = await createIntegration(firstAdmin);
    const reader = (await createIntegrationKey(firstAdmin, integration.id)).key;
    const key = (await api("POST", "/v1/account/admin-keys", { key: firstAdmin })).body.data.key;
    const limit = env.TEST_RATE_LIMIT;
    // One burst of twice the limit: even if a 10 s window turns mid-burst, one window gets more
    // than the limit, however slow the machine is.
    const burst = await Promise.all(
      Array.from({ length: 2 * limit + 20 }, () => api("GET", "/v1/account", { key })),
    );
    const ok = burst.filter((r) => r.status === 200).length;
    const limited = burst.find((r) => r.status === 429);
    if (!limited) throw new Error(`no 429 after ${ok} successful requests`);
    const error = expectError(limited, 429, "RATE_LIMITED");
    expect(error.message).toMatch(/Too many requests/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(ok).toBeGreaterThanOrEqual(limit);

    expect((await api("GET", "/v1/account", { key: firstAdmin })).status).toBe(200);
    expect((await api("GET", "/v1/events", { key: reader })).status).toBe(200);
  }, 60_000);
});
