import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount } from "../factories";
import { type ApiResponse, api, expectError } from "../helpers/api";

describe("rate limiting per key", () => {
  it("answers 429 with retry-after once a key is over its limit, and spares other keys", async () => {
    const { key } = await createAccount();
    const other = await createAccount();
    const limit = env.TEST_RATE_LIMIT;
    let limited: ApiResponse | undefined;
    let ok = 0;
    // Twice the limit crosses it even if the 10 s window turns once on the way.
    for (let sent = 0; sent < 2 * limit + 40 && !limited; sent += 40) {
      const batch = await Promise.all(
        Array.from({ length: 40 }, () => api("GET", "/v1/account", { key })),
      );
      ok += batch.filter((r) => r.status === 200).length;
      limited = batch.find((r) => r.status === 429);
    }
    if (!limited) throw new Error(`no 429 after ${ok} successful requests`);
    const error = expectError(limited, 429, "RATE_LIMITED");
    expect(error.message).toMatch(/Too many requests/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(ok).toBeGreaterThanOrEqual(limit);

    expect((await api("GET", "/v1/account", { key: other.key })).status).toBe(200);
  }, 60_000);
});
