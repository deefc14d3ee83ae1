import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// Raw requests (not test/helpers/api.ts): several of these are what no documented call sends.
const send = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`http://weft.test${path}`, init);

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const json = { "content-type": "application/json" };

describe("cache-control on /v1", () => {
  it("is no-store on every answer, successes and errors of every kind", async () => {
    const created = await send("/v1/accounts", {
      method: "POST",
      headers: { ...bearer(env.BOOTSTRAP_TOKEN), ...json },
      body: JSON.stringify({ name: "Cache test" }),
    });
    const { data } = (await created.clone().json()) as { data: { admin_key: { key: string } } };
    const key = data.admin_key.key;
    const other = await send("/v1/account/admin-keys", { method: "POST", headers: bearer(key) });
    const otherId = ((await other.clone().json()) as { data: { id: string } }).data.id;

    const answers: Array<[string, Response]> = [
      ["201 with a secret", created],
      ["200", await send("/v1/account", { headers: bearer(key) })],
      [
        "204",
        await send(`/v1/account/admin-keys/${otherId}`, {
          method: "DELETE",
          headers: bearer(key),
        }),
      ],
      [
        "400",
        await send("/v1/profiles", {
          method: "POST",
          headers: { ...bearer(key), ...json },
          body: "{",
        }),
      ],
      ["401", await send("/v1/account")],
      ["403", await send("/v1/account", { headers: bearer(env.BOOTSTRAP_TOKEN) })],
      ["404", await send("/v1/profiles/prf_missing", { headers: bearer(key) })],
      ["404 route", await send("/v1/nowhere", { headers: bearer(key) })],
      [
        "413",
        await send("/v1/profiles", {
          method: "POST",
          headers: { ...bearer(key), ...json },
          body: "x".repeat(300_000),
        }),
      ],
    ];
    expect(
      answers.map(([label, r]) => `${label}: ${r.status} ${r.headers.get("cache-control")}`),
    ).toEqual([
      "201 with a secret: 201 no-store",
      "200: 200 no-store",
      "204: 204 no-store",
      "400: 400 no-store",
      "401: 401 no-store",
      "403: 403 no-store",
      "404: 404 no-store",
      "404 route: 404 no-store",
      "413: 413 no-store",
    ]);
  });

  it("is not set outside /v1, where nothing is personal", async () => {
    const health = await send("/health");
    expect(await health.json()).toEqual({ data: { status: "ok" } });
    expect(health.headers.get("cache-control")).toBeNull();
  });
});
