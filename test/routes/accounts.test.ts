import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokeAdminKey } from "../../src/services/accounts";
import { createAccount } from "../factories";
import { api, BOOTSTRAP, expectError, request } from "../helpers/api";
import { realDeps } from "../helpers/deps";
import { describeAuth } from "../helpers/describe-auth";

describe("POST /v1/accounts", () => {
  it("creates an account with an admin key shown once and stored only as a hash", async () => {
    const response = await api("POST", "/v1/accounts", { key: BOOTSTRAP, body: { name: "Acme" } });
    expect(response.status).toBe(201);
    const { account, admin_key } = response.body.data;
    expect(account).toMatchObject({ name: "Acme" });
    expect(account.id).toMatch(/^acc_[0-9a-z]{20}$/);
    expect(admin_key.key).toMatch(/^wft_admin_[A-Za-z0-9_-]{43}$/);
    expect(admin_key.prefix).toBe(admin_key.key.slice(0, 14));
    expect(admin_key.expires_at).toBeNull();

    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(admin_key.id)
      .first();
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(admin_key.key);

    const me = await api("GET", "/v1/account", { key: admin_key.key });
    expect(me.body.data).toEqual(account);
  });

  it("accepts only the bootstrap token", async () => {
    const { key } = await createAccount();
    expectError(await api("POST", "/v1/accounts", { key, body: { name: "x" } }), 403, "FORBIDDEN");
    expectError(await api("POST", "/v1/accounts", { body: { name: "x" } }), 401, "UNAUTHORIZED");
    expectError(
      await api("POST", "/v1/accounts", { key: "not-the-token", body: { name: "x" } }),
      401,
      "UNAUTHORIZED",
    );
  });

  it("names the field of a schema error", async () => {
    const response = await api("POST", "/v1/accounts", { key: BOOTSTRAP, body: { name: "" } });
    const error = expectError(response, 400, "VALIDATION_FAILED");
    expect(error.details.map((d) => d.path)).toEqual(["name"]);
    const extra = await api("POST", "/v1/accounts", { key: BOOTSTRAP, body: { name: "a", x: 1 } });
    expect(expectError(extra, 400, "VALIDATION_FAILED").details).toEqual([
      { path: "x", message: "Not a property this request takes (read-only or unknown)." },
    ]);
  });

  it("refuses malformed JSON, a wrong content type and an oversized body", async () => {
    expectError(
      await api("POST", "/v1/accounts", {
        key: BOOTSTRAP,
        raw: "{nope",
        headers: { "content-type": "application/json" },
      }),
      400,
      "BAD_REQUEST",
    );
    expectError(
      await api("POST", "/v1/accounts", {
        key: BOOTSTRAP,
        raw: "name=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      400,
      "BAD_REQUEST",
    );
    expectError(
      await api("POST", "/v1/accounts", { key: BOOTSTRAP, body: { name: "x".repeat(300 * 1024) } }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("replays the first response for the same idempotency key and body", async () => {
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await api("POST", "/v1/accounts", {
      key: BOOTSTRAP,
      body: { name: "Once" },
      headers,
    });
    const second = await api("POST", "/v1/accounts", {
      key: BOOTSTRAP,
      body: { name: "Once" },
      headers,
    });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM accounts WHERE name = 'Once'",
    ).first();
    expect(count?.n).toBe(1);

    const other = await api("POST", "/v1/accounts", {
      key: BOOTSTRAP,
      body: { name: "Twice" },
      headers,
    });
    expect(expectError(other, 409, "CONFLICT").message).toMatch(/another request body/);
  });
});

describe("admin keys", () => {
  it("creates, lists without secrets, and revokes at once", async () => {
    const { key, adminKey } = await createAccount();
    const created = await api("POST", "/v1/account/admin-keys", { key });
    expect(created.status).toBe(201);
    const second = created.body.data;
    expect(second.key).toMatch(/^wft_admin_/);

    const list = await api("GET", "/v1/account/admin-keys", { key: second.key });
    expect(list.body.data.map((k) => k.id)).toEqual([adminKey.id, second.id]);
    expect(JSON.stringify(list.body)).not.toContain(second.key);
    expect(list.body.data[0]).not.toHaveProperty("key");

    expect(
      (await api("DELETE", `/v1/account/admin-keys/${adminKey.id}`, { key: second.key })).status,
    ).toBe(204);
    expectError(await api("GET", "/v1/account", { key }), 401, "UNAUTHORIZED");
    expectError(
      await api("DELETE", `/v1/account/admin-keys/${second.id}`, { key: second.key }),
      409,
      "CONFLICT",
    );
    expectError(
      await api("DELETE", "/v1/account/admin-keys/key_unknown", { key: second.key }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("admin keys, concurrently", () => {
  it("two revokes at once cannot take the account's last two admin keys", async () => {
    const { account, key, adminKey } = await createAccount();
    const second = (await api("POST", "/v1/account/admin-keys", { key })).body.data;
    const answers = await Promise.allSettled([
      revokeAdminKey(realDeps(), account.id, adminKey.id),
      revokeAdminKey(realDeps(), account.id, second.id),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual(["fulfilled", "rejected"]);
    const { results } = await env.DB.prepare(
      "SELECT id FROM api_keys WHERE account_id = ? AND kind = 'admin' AND revoked_at IS NULL",
    )
      .bind(account.id)
      .all();
    expect(results).toHaveLength(1);
  });
});

describe("account field mapping", () => {
  it("stores and returns the mapping", async () => {
    const { key } = await createAccount();
    expect((await api("GET", "/v1/account/field-mapping", { key })).body.data).toEqual({
      field_mapping: [],
    });
    const field_mapping = [
      { name: "contact_email", mapped_to: "email" },
      { name: "source", value: { system: "weft" } },
    ];
    const put = await api("PUT", "/v1/account/field-mapping", { key, body: { field_mapping } });
    expect(put.body.data).toEqual({ field_mapping });
    expect((await api("GET", "/v1/account/field-mapping", { key })).body.data).toEqual({
      field_mapping,
    });
  });

  it("refuses entries without a source or with a repeated name", async () => {
    const { key } = await createAccount();
    const put = (field_mapping: unknown[]) =>
      api("PUT", "/v1/account/field-mapping", { key, body: { field_mapping } });
    const noSource = expectError(await put([{ name: "a" }]), 400, "VALIDATION_FAILED");
    expect(noSource.details.map((d) => d.path)).toEqual(["field_mapping.0"]);
    const repeated = await put([
      { name: "b", mapped_to: "x" },
      { name: "c", value: 2 },
      { name: "b", value: 1 },
    ]);
    expect(expectError(repeated, 400, "VALIDATION_FAILED").details).toEqual([
      { path: "field_mapping.2.name", message: "Each `name` may appear only once." },
    ]);
  });
});

describeAuth("GET /v1/account", {
  otherAccount: "own",
  setup: async () => ({ method: "GET", path: "/v1/account" }),
});
describeAuth("DELETE /v1/account/admin-keys/{key_id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const spare = await api("POST", "/v1/account/admin-keys", { key: owner.key });
    return { method: "DELETE", path: `/v1/account/admin-keys/${spare.body.data.id}` };
  },
});
describeAuth("PUT /v1/account/field-mapping", {
  otherAccount: "own",
  setup: async () => ({
    method: "PUT",
    path: "/v1/account/field-mapping",
    body: { field_mapping: [] },
  }),
});

describe("the HTTP surface", () => {
  it("answers unknown routes with the error shape and a request id", async () => {
    const { key } = await createAccount();
    const response = await request("GET", "/v1/nothing-here", { key });
    expectError(response, 404, "NOT_FOUND");
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("serves /health without auth", async () => {
    // Not an operation of the OpenAPI document (a probe, not the API), so not typed by it.
    const response = await request("GET", "/health");
    expect(response.body).toEqual({ data: { status: "ok" } });
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
  });
});
