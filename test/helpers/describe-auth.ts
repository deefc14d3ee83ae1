import { describe, expect, it } from "vitest";
import { createAccount, createIntegration, createIntegrationKey } from "../factories";
import { api, BOOTSTRAP, expectError, request } from "./api";

export type AuthCase = {
  method: string;
  path: string;
  body?: unknown;
  /** Identifiers of the owner's data that must never reach another account. */
  secrets?: string[];
};

type Owner = Awaited<ReturnType<typeof createAccount>>;

export type AuthSpec = {
  /** Builds the request against data of `owner` (a fresh account with an admin key). */
  setup: (owner: Owner) => Promise<AuthCase>;
  /**
   * What another account's admin key gets: 404 for a resource of the owner,
   * "own" for routes that answer about the caller's own account (lists, account).
   */
  otherAccount: 404 | "own";
  /**
   * Opt-in: 403 checks that a key of an integration of the owner's account (linked to every
   * profile of the account, API access on) is refused with 403 FORBIDDEN.
   */
  integrationKey?: 403;
};

/** The auth suite every route shares: no key, malformed, unknown and revoked keys, another account. */
export function describeAuth(name: string, spec: AuthSpec) {
  describe(`${name}: auth`, () => {
    it("refuses a request without a key (401)", async () => {
      const owner = await createAccount();
      const call = await spec.setup(owner);
      const response = await request(call.method, call.path, { body: call.body });
      expectError(response, 401, "UNAUTHORIZED");
    });

    it("refuses a malformed authorization header and an unknown key (401)", async () => {
      const owner = await createAccount();
      const call = await spec.setup(owner);
      const malformed = await request(call.method, call.path, {
        body: call.body,
        headers: { authorization: `Basic ${owner.key}` },
      });
      expectError(malformed, 401, "UNAUTHORIZED");
      const unknown = await request(call.method, call.path, {
        key: `wft_admin_${"x".repeat(43)}`,
        body: call.body,
      });
      expectError(unknown, 401, "UNAUTHORIZED");
    });

    it("refuses a revoked admin key (401)", async () => {
      const owner = await createAccount();
      const call = await spec.setup(owner);
      const spare = await api("POST", "/v1/account/admin-keys", { key: owner.key });
      const revoked = await api("DELETE", `/v1/account/admin-keys/${owner.adminKey.id}`, {
        key: spare.body.data.key,
      });
      expect(revoked.status).toBe(204);
      const response = await request(call.method, call.path, {
        key: owner.key,
        body: call.body,
      });
      expect(expectError(response, 401, "UNAUTHORIZED").message).toMatch(/revoked/);
    });

    it(
      spec.otherAccount === 404
        ? "hides the resource from another account (404)"
        : "shows another account only its own data",
      async () => {
        const owner = await createAccount();
        const call = await spec.setup(owner);
        const other = await createAccount();
        const response = await request(call.method, call.path, {
          key: other.key,
          body: call.body,
        });
        if (spec.otherAccount === 404) expectError(response, 404, "NOT_FOUND");
        else expect(response.status).toBeLessThan(300);
        const text = JSON.stringify(response.body);
        for (const secret of [owner.account.id, ...(call.secrets ?? [])]) {
          expect(text).not.toContain(secret);
        }
      },
    );

    if (spec.integrationKey === 403) {
      it("refuses an integration key of the same account (403)", async () => {
        const owner = await createAccount();
        const call = await spec.setup(owner);
        const profiles = await api("GET", "/v1/profiles?page_size=200", { key: owner.key });
        expect(profiles.status).toBe(200);
        const integration = await createIntegration(owner.key, {
          profile_uids: profiles.body.data.map((p) => p.uid),
        });
        const { key } = await createIntegrationKey(owner.key, integration.id);
        const response = await request(call.method, call.path, { key, body: call.body });
        expectError(response, 403, "FORBIDDEN");
      });
    }

    it("refuses the bootstrap token (403)", async () => {
      const owner = await createAccount();
      const call = await spec.setup(owner);
      const response = await request(call.method, call.path, { key: BOOTSTRAP, body: call.body });
      expectError(response, 403, "FORBIDDEN");
    });
  });
}
