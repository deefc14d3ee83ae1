import { describe, expect, it } from "vitest";
import { createAccount } from "../factories";
import { type ApiResponse, api, request } from "../helpers/api";

/** What every API answer carries, success or error (src/middleware/security-headers.ts). */
function expectSecureHeaders(response: ApiResponse) {
  const h = response.headers;
  expect(h.get("x-content-type-options")).toBe("nosniff");
  expect(h.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(h.get("strict-transport-security")).toMatch(/^max-age=\d{7,}; includeSubDomains/);
  expect(h.get("referrer-policy")).toBe("no-referrer");
  expect(h.get("x-xss-protection")).toBe("0");
  expect(h.get("x-dns-prefetch-control")).toBe("off");
  expect(h.get("x-download-options")).toBe("noopen");
  expect(h.get("x-permitted-cross-domain-policies")).toBe("none");
  expect(h.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(h.get("origin-agent-cluster")).toBe("?1");
  expect(h.get("x-powered-by")).toBeNull();
  expect(h.get("server")).toBeNull();
  expect(h.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
}

describe("security headers", () => {
  it("are on successes, errors of every kind, the health check and the OpenAPI document", async () => {
    const { key } = await createAccount();
    const responses: Array<[string, ApiResponse]> = [
      ["health", await request("GET", "/health")],
      ["openapi", await request("GET", "/openapi.json")],
      ["200", await api("GET", "/v1/account", { key })],
      ["201", await api("POST", "/v1/profiles", { key, body: { name: "Brand" } })],
      ["400", await request("POST", "/v1/profiles", { key, raw: "{", headers: json })],
      ["401", await api("GET", "/v1/account")],
      ["403", await api("GET", "/v1/account", { key: "test-bootstrap-token" })],
      ["404", await api("GET", "/v1/profiles/prf_missing", { key })],
      ["404 route", await request("GET", "/nowhere")],
      [
        "413",
        await request("POST", "/v1/profiles", { key, raw: "x".repeat(300_000), headers: json }),
      ],
    ];
    for (const [label, response] of responses) {
      try {
        expectSecureHeaders(response);
      } catch (error) {
        throw new Error(`${label} (${response.status}): ${(error as Error).message}`);
      }
    }
    expect(responses.map(([, r]) => r.status)).toEqual([
      200, 200, 200, 201, 400, 401, 403, 404, 404, 413,
    ]);
  });

  it("JSON answers say so, so a browser never sniffs them as HTML", async () => {
    const response = await api("GET", "/v1/profiles/<script>", {
      key: (await createAccount()).key,
    });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

const json = { "content-type": "application/json" };
