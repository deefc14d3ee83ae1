import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/** Values the Worker sees in tests; secrets here are test-only. */
export const TEST_VARS = {
  BOOTSTRAP_TOKEN: "test-bootstrap-token",
  SECRETS_KEY: "test-secrets-key-0123456789abcdef0123456789abcdef",
  ALLOW_HTTP_TARGETS: "true",
  ALLOW_PRIVATE_TARGETS: "true",
};

/** Requests per key per 10 s in tests; test/middleware/rate-limit.test.ts relies on it. */
export const TEST_RATE_LIMIT = 100;

/** Failed authentications per address per minute in tests (production: 20, wrangler.toml). */
export const TEST_AUTH_FAILURE_LIMIT = 20;

/** The header the client certificate stand-in adds to what it forwards. */
const CLIENT_CERTIFICATE_MARK = "x-test-client-certificate";

function forwardMarked(name: string) {
  return async (request: Request) => {
    const headers = new Headers(request.headers);
    headers.set(CLIENT_CERTIFICATE_MARK, name);
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
    return fetch(request.url, { method: request.method, headers, body, redirect: "manual" });
  };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      reporters: ["default", "./test/summary-reporter.ts"],
      // The Worker logs a JSON line per request and delivery: show them for failed tests only.
      silent: "passed-only",
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                // Lower than production (1000 per 10 s) so the rate-limit test is quick; no other test sends 100 requests with one key within 10 s.
                ratelimits: {
                  RATE_LIMITER: { simple: { limit: TEST_RATE_LIMIT, period: 10 } },
                  AUTH_FAILURES: { simple: { limit: TEST_AUTH_FAILURE_LIMIT, period: 60 } },
                },
                // A stand-in for a client certificate (an mtls_certificates binding): Miniflare
                // runs those only against Cloudflare. It forwards what Weft sends through it and
                // marks it, so tests see which deliveries went through the certificate.
                serviceBindings: { MTLS_TEST_CLIENT: forwardMarked("MTLS_TEST_CLIENT") },
                bindings: {
                  ...TEST_VARS,
                  TEST_MIGRATIONS: migrations,
                  RECEIVER_URL: inject("receiverUrl"),
                  TEST_RATE_LIMIT,
                  TEST_AUTH_FAILURE_LIMIT,
                },
              },
            })),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**"],
            setupFiles: ["./test/setup.ts"],
            // The pool does not run wrangler.toml's [build]: build the docs and console assets the same way.
            globalSetup: ["./scripts/build-assets.mjs", "./test/receiver/global-setup.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            // Built once before the servers start (each `npm start` finds it current).
            globalSetup: ["./scripts/build-assets.mjs", "./test/receiver/global-setup.ts"],
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
      ],
    },
  };
});
