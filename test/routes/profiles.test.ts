import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createAccount,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

describe("POST /v1/profiles", () => {
  it("creates a profile", async () => {
    const { key } = await createAccount();
    const response = await api("POST", "/v1/profiles", { key, body: { name: "  Brand A " } });
    expect(response.status).toBe(201);
    const profile = response.body.data;
    expect(profile).toEqual({
      uid: expect.stringMatching(/^prf_[0-9a-z]{20}$/),
      name: "Brand A",
      active_integration_id: null,
      fire_on_payment: false,
      created_at: expect.any(String),
      updated_at: profile.created_at,
    });
    const stored = await env.DB.prepare("SELECT name FROM profiles WHERE id = ?")
      .bind(profile.uid)
      .first();
    expect(stored?.name).toBe("Brand A");
  });

  it("names the field of a schema error", async () => {
    const { key } = await createAccount();
    const empty = await api("POST", "/v1/profiles", { key, body: { name: "" } });
    expect(expectError(empty, 400, "VALIDATION_FAILED").details.map((d) => d.path)).toEqual([
      "name",
    ]);
    const missing = await api("POST", "/v1/profiles", { key, body: {} });
    expect(expectError(missing, 400, "VALIDATION_FAILED").details[0].path).toBe("name");
    const extra = await api("POST", "/v1/profiles", {
      key,
      body: { name: "x", active_integration_id: "int_x" },
    });
    expectError(extra, 400, "VALIDATION_FAILED");
  });

  it("replays an idempotent create", async () => {
    const { key } = await createAccount();
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await api("POST", "/v1/profiles", { key, body: { name: "Once" }, headers });
    const second = await api("POST", "/v1/profiles", { key, body: { name: "Once" }, headers });
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");

    // Keys are the calling account's: another account with the same key and body creates its own.
    const other = await createAccount();
    const theirs = await api("POST", "/v1/profiles", {
      key: other.key,
      body: { name: "Once" },
      headers,
    });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.data.uid).not.toBe(first.body.data.uid);
    const mine = await api("GET", `/v1/profiles/${first.body.data.uid}`, { key: other.key });
    expectError(mine, 404, "NOT_FOUND");
  });

  it("refuses an integration key (403)", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    const response = await api("POST", "/v1/profiles", { key: reader.key, body: { name: "x" } });
    expectError(response, 403, "FORBIDDEN");
  });
});

describe("GET /v1/profiles", () => {
  it("pages oldest first with meta, and filters on updated_since", async () => {
    const { key } = await createAccount();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createProfile(key, { name: `P${i}` }));
    const first = await api("GET", "/v1/profiles?page_size=2", { key });
    expect(first.body.data.map((p) => p.uid)).toEqual([made[0].uid, made[1].uid]);
    expect(first.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    const second = await api("GET", "/v1/profiles?page_size=2&page=2", { key });
    expect(second.body.data.map((p) => p.uid)).toEqual([made[2].uid]);
    expect(second.body.meta).toEqual({ page: 2, page_size: 2, total: 3, last_page: 2 });

    await new Promise((resolve) => setTimeout(resolve, 5));
    const patched = await api("PATCH", `/v1/profiles/${made[1].uid}`, {
      key,
      body: { name: "renamed" },
    });
    expect(patched.status).toBe(200);
    const recent = await api("GET", `/v1/profiles?updated_since=${patched.body.data.updated_at}`, {
      key,
    });
    expect(recent.body.data.map((p) => p.uid)).toEqual([made[1].uid]);
    expect(recent.body.meta.total).toBe(1);
    // The same instant written with an offset is normalised before comparing.
    const at = Date.parse(patched.body.data.updated_at);
    const withOffset = new Date(at + 3_600_000).toISOString().replace("Z", "+01:00");
    const offset = await api(
      "GET",
      `/v1/profiles?updated_since=${encodeURIComponent(withOffset)}`,
      {
        key,
      },
    );
    expect(offset.body.data.map((p) => p.uid)).toEqual([made[1].uid]);
  });

  it("refuses bad paging", async () => {
    const { key } = await createAccount();
    const bad = await api("GET", "/v1/profiles?page=0&page_size=500&updated_since=yesterday", {
      key,
    });
    const paths = expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(["page", "page_size", "updated_since"]);
  });
});

describe("GET|PATCH|DELETE /v1/profiles/{uid}", () => {
  it("reads, renames and deletes a profile", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    expect((await api("GET", `/v1/profiles/${profile.uid}`, { key })).body.data).toEqual(profile);

    const patched = await api("PATCH", `/v1/profiles/${profile.uid}`, {
      key,
      body: { name: "New name" },
    });
    expect(patched.body.data).toMatchObject({ uid: profile.uid, name: "New name" });
    expect(patched.body.data.updated_at >= profile.updated_at).toBe(true);
    expect((await api("GET", `/v1/profiles/${profile.uid}`, { key })).body.data.name).toBe(
      "New name",
    );

    expect((await api("DELETE", `/v1/profiles/${profile.uid}`, { key })).status).toBe(204);
    expectError(await api("GET", `/v1/profiles/${profile.uid}`, { key }), 404, "NOT_FOUND");
    expectError(await api("DELETE", `/v1/profiles/${profile.uid}`, { key }), 404, "NOT_FOUND");
  });

  it("refuses a bad PATCH body and an unknown profile", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const bad = await api("PATCH", `/v1/profiles/${profile.uid}`, { key, body: { name: 3 } });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details[0].path).toBe("name");
    expectError(
      await api("PATCH", "/v1/profiles/prf_unknown", { key, body: { name: "x" } }),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses to delete a profile that still has events (409)", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const event = await createEvent(key, profile.uid);
    expectError(await api("DELETE", `/v1/profiles/${profile.uid}`, { key }), 409, "CONFLICT");
    expect((await api("DELETE", `/v1/events/${event.uid}`, { key })).status).toBe(204);
    expect((await api("DELETE", `/v1/profiles/${profile.uid}`, { key })).status).toBe(204);
  });
});

describe("GET|PUT /v1/profiles/{uid}/field-mapping", () => {
  it("stores and returns the mapping", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const path = `/v1/profiles/${profile.uid}/field-mapping` as const;
    expect((await api("GET", path, { key })).body.data).toEqual({ field_mapping: [] });
    const field_mapping = [
      { name: "contact_email", mapped_to: "email" },
      { name: "brand", value: "A" },
    ];
    expect((await api("PUT", path, { key, body: { field_mapping } })).body.data).toEqual({
      field_mapping,
    });
    expect((await api("GET", path, { key })).body.data).toEqual({ field_mapping });
  });

  it("refuses a bad mapping and an unknown profile", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const bad = await api("PUT", `/v1/profiles/${profile.uid}/field-mapping`, {
      key,
      body: { field_mapping: [{ name: "a" }] },
    });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details[0].path).toMatch(/^field_mapping/);
    expectError(
      await api("GET", "/v1/profiles/prf_unknown/field-mapping", { key }),
      404,
      "NOT_FOUND",
    );
  });
});

describeAuth("POST /v1/profiles", {
  otherAccount: "own",
  setup: async () => ({ method: "POST", path: "/v1/profiles", body: { name: "x" } }),
});
describeAuth("GET /v1/profiles", {
  otherAccount: "own",
  setup: async (owner) => {
    const profile = await createProfile(owner.key);
    return { method: "GET", path: "/v1/profiles", secrets: [profile.uid] };
  },
});
for (const method of ["GET", "PATCH", "DELETE"]) {
  describeAuth(`${method} /v1/profiles/{uid}`, {
    otherAccount: 404,
    setup: async (owner) => {
      const profile = await createProfile(owner.key);
      return {
        method,
        path: `/v1/profiles/${profile.uid}`,
        body: method === "PATCH" ? { name: "x" } : undefined,
        secrets: [profile.uid],
      };
    },
  });
}
for (const method of ["GET", "PUT"]) {
  describeAuth(`${method} /v1/profiles/{uid}/field-mapping`, {
    otherAccount: 404,
    setup: async (owner) => {
      const profile = await createProfile(owner.key);
      return {
        method,
        path: `/v1/profiles/${profile.uid}/field-mapping`,
        body: method === "PUT" ? { field_mapping: [] } : undefined,
      };
    },
  });
}

describe("integration keys on profile routes", () => {
  it("are refused on every profile route (403)", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    for (const [method, path] of [
      ["GET", "/v1/profiles"],
      ["GET", `/v1/profiles/${profile.uid}`],
      ["DELETE", `/v1/profiles/${profile.uid}`],
      ["GET", `/v1/profiles/${profile.uid}/field-mapping`],
    ] as const) {
      expectError(await api(method, path, { key: reader.key }), 403, "FORBIDDEN");
    }
  });
});
