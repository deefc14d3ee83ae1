import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  activate,
  createAccount,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWebhook,
  createWorld,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

const fixedField = {
  name: "cpy_vat_number",
  label: "VAT",
  type: "text",
  required: true,
} as const;

describe("POST /v1/integrations", () => {
  it("creates an integration with links, fixed configuration and mapping", async () => {
    const { key, profile } = await createWorld();
    const other = await createProfile(key);
    const body = {
      name: "CRM sync",
      profile_uids: [profile.uid, other.uid, profile.uid],
      api_access: true,
      webhooks_enabled: false,
      fixed_configuration: {
        fields: [
          fixedField,
          {
            name: "size",
            label: "Size",
            type: "select",
            required: false,
            options: [{ value: "m", label: "M" }],
          },
        ],
      },
      field_mapping: [
        { name: "contact_email", mapped_to: "email" },
        { name: "source", value: "weft" },
      ],
    };
    const response = await api("POST", "/v1/integrations", { key, body });
    expect(response.status).toBe(201);
    const data = response.body.data;
    expect(data.id).toMatch(/^int_[0-9a-z]{20}$/);
    expect(data).toEqual({
      id: data.id,
      name: "CRM sync",
      profile_uids: [profile.uid, other.uid].sort(),
      api_access: true,
      webhooks_enabled: false,
      fixed_configuration: body.fixed_configuration,
      field_mapping: body.field_mapping,
      template_id: null,
      created_at: data.created_at,
      updated_at: data.created_at,
    });
    const links = await env.DB.prepare(
      "SELECT profile_id FROM integration_profiles WHERE integration_id = ? ORDER BY profile_id",
    )
      .bind(data.id)
      .all();
    expect(links.results.map((r) => r.profile_id)).toEqual([profile.uid, other.uid].sort());
    expect((await api("GET", `/v1/integrations/${data.id}`, { key })).body.data).toEqual(data);
  });

  it("defaults everything but the name", async () => {
    const { key } = await createAccount();
    const data = await createIntegration(key, { name: "Bare" });
    expect(data).toMatchObject({
      name: "Bare",
      profile_uids: [],
      api_access: true,
      webhooks_enabled: true,
      fixed_configuration: { fields: [] },
      field_mapping: [],
    });
  });

  it("names unknown profiles, including another account's", async () => {
    const { key, profile } = await createWorld();
    const stranger = await createWorld();
    const response = await api("POST", "/v1/integrations", {
      key,
      body: { name: "x", profile_uids: [profile.uid, "prf_nope", stranger.profile.uid] },
    });
    const error = expectError(response, 400, "VALIDATION_FAILED");
    expect(error.details.map((d) => d.path)).toEqual(["profile_uids.1", "profile_uids.2"]);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM integrations WHERE name = 'x'",
    ).first();
    expect(count?.n).toBe(0);
  });

  it("validates the fixed configuration and the mapping", async () => {
    const { key } = await createAccount();
    const response = await api("POST", "/v1/integrations", {
      key,
      body: {
        name: "",
        fixed_configuration: {
          fields: [
            { name: "size", label: "Size", type: "select", required: false },
            { name: "Bad Name", label: "x", type: "text" },
            { name: "t", label: "T", type: "text", options: [{ value: "a", label: "A" }] },
            { name: "u", label: "U", type: "nope" },
          ],
        },
        field_mapping: [{ name: "a" }],
      },
    });
    const paths = expectError(response, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "name",
        "fixed_configuration.fields.0.options",
        "fixed_configuration.fields.1.name",
        "fixed_configuration.fields.2.options",
        "fixed_configuration.fields.3.type",
        "field_mapping.0",
      ]),
    );
    const dup = await api("POST", "/v1/integrations", {
      key,
      body: { name: "d", fixed_configuration: { fields: [fixedField, fixedField] } },
    });
    expect(expectError(dup, 400, "VALIDATION_FAILED").details[0].path).toBe(
      "fixed_configuration.fields",
    );
    const extra = await api("POST", "/v1/integrations", { key, body: { name: "e", nope: 1 } });
    expectError(extra, 400, "VALIDATION_FAILED");
  });
});

describe("GET /v1/integrations", () => {
  it("lists the account's integrations, oldest first, paginated", async () => {
    const { key, profile } = await createWorld();
    const a = await createIntegration(key, { profile_uids: [profile.uid] });
    const b = await createIntegration(key);
    const c = await createIntegration(key);
    await createIntegration((await createAccount()).key);
    const page1 = await api("GET", "/v1/integrations?page_size=2", { key });
    expect(page1.body.data.map((i) => i.id)).toEqual([a.id, b.id]);
    expect(page1.body.data[0].profile_uids).toEqual([profile.uid]);
    expect(page1.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    const page2 = await api("GET", "/v1/integrations?page_size=2&page=2", { key });
    expect(page2.body.data.map((i) => i.id)).toEqual([c.id]);
    const since = await api(
      "GET",
      `/v1/integrations?updated_since=${encodeURIComponent(c.updated_at)}`,
      { key },
    );
    expect(since.body.data.map((i) => i.id)).toContain(c.id);
    expectError(
      await api("GET", "/v1/integrations?page_size=0", { key }),
      400,
      "VALIDATION_FAILED",
    );
  });
});

describe("PATCH /v1/integrations/{id}", () => {
  it("updates given properties only and replaces links", async () => {
    const { key, profile } = await createWorld();
    const second = await createProfile(key);
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const response = await api("PATCH", `/v1/integrations/${integration.id}`, {
      key,
      body: {
        api_access: false,
        profile_uids: [second.uid],
        field_mapping: [{ name: "x", value: 1 }],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      name: integration.name,
      api_access: false,
      webhooks_enabled: true,
      profile_uids: [second.uid],
      field_mapping: [{ name: "x", value: 1 }],
    });
    expect(response.body.data.updated_at >= integration.updated_at).toBe(true);
    expect((await api("GET", `/v1/integrations/${integration.id}`, { key })).body.data).toEqual(
      response.body.data,
    );
    const bad = await api("PATCH", `/v1/integrations/${integration.id}`, {
      key,
      body: { profile_uids: ["prf_unknown"] },
    });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details[0].path).toBe("profile_uids.0");
    expectError(
      await api("PATCH", "/v1/integrations/int_unknown", { key, body: { name: "x" } }),
      404,
      "NOT_FOUND",
    );
  });

  it("unlinking a profile deactivates the integration there and unlocks its events", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [fixedField] },
    });
    await activate(key, profile.uid, integration.id);
    const locked = await api("GET", `/v1/events/${event.uid}`, { key });
    expect(locked.body.data.fields.find((f) => f.name === "cpy_vat_number")).toMatchObject({
      locked: true,
    });

    await api("PATCH", `/v1/integrations/${integration.id}`, { key, body: { profile_uids: [] } });
    const active = await api("GET", `/v1/profiles/${profile.uid}/integration`, { key });
    expect(active.body.data).toEqual({ profile_uid: profile.uid, integration_id: null });
    const after = await api("GET", `/v1/events/${event.uid}`, { key });
    expect(after.body.data.fields.find((f) => f.name === "cpy_vat_number")).toMatchObject({
      locked: false,
    });
  });

  it("re-applies a changed fixed configuration to the events it applies to", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [fixedField] },
    });
    await activate(key, profile.uid, integration.id);
    const po = { name: "po_number", label: "PO", type: "text", required: false } as const;
    await api("PATCH", `/v1/integrations/${integration.id}`, {
      key,
      body: { fixed_configuration: { fields: [po] } },
    });
    const fields = (await api("GET", `/v1/events/${event.uid}`, { key })).body.data.fields;
    expect(fields.filter((f) => f.locked).map((f) => f.name)).toEqual(["po_number"]);
    expect(fields.map((f) => f.name)).toContain("cpy_vat_number");
  });
});

describe("DELETE /v1/integrations/{id}", () => {
  it("deactivates it, deletes its keys, webhooks and links, and detaches overrides", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [fixedField] },
    });
    const liveKey = await createIntegrationKey(key, integration.id);
    const webhook = await createWebhook(key, integration.id);
    const otherEvent = await createEvent(key, profile.uid);
    await activate(key, profile.uid, integration.id);
    const override = await api("PUT", `/v1/events/${otherEvent.uid}/integration`, {
      key,
      body: { integration_id: integration.id, fire_on_payment: true },
    });
    expect(override.status).toBe(200);
    expect((await api("GET", `/v1/events/${event.uid}`, { key: liveKey.key })).status).toBe(200);

    const deleted = await api("DELETE", `/v1/integrations/${integration.id}`, { key });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();

    expectError(await api("GET", `/v1/integrations/${integration.id}`, { key }), 404, "NOT_FOUND");
    expectError(
      await api("GET", `/v1/events/${event.uid}`, { key: liveKey.key }),
      401,
      "UNAUTHORIZED",
    );
    expect(
      (await api("GET", `/v1/profiles/${profile.uid}/integration`, { key })).body.data,
    ).toEqual({ profile_uid: profile.uid, integration_id: null });
    const count = async (sql: string) =>
      (await env.DB.prepare(sql).bind(integration.id).first<{ n: number }>())?.n;
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE integration_id = ?")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM webhooks WHERE integration_id = ?")).toBe(0);
    expect(
      await count("SELECT count(*) AS n FROM integration_profiles WHERE integration_id = ?"),
    ).toBe(0);
    expect(await count("SELECT count(*) AS n FROM event_overrides WHERE integration_id = ?")).toBe(
      0,
    );
    const kept = await api("GET", `/v1/events/${otherEvent.uid}/integration`, { key });
    expect(kept.body.data).toMatchObject({ integration_id: null, fire_on_payment: true });
    for (const uid of [event.uid, otherEvent.uid]) {
      const fields = (await api("GET", `/v1/events/${uid}`, { key })).body.data.fields;
      expect(fields.find((f) => f.name === "cpy_vat_number")).toMatchObject({
        locked: false,
      });
    }
    expect(webhook.id).toMatch(/^whk_/);
    expectError(
      await api("DELETE", `/v1/integrations/${integration.id}`, { key }),
      404,
      "NOT_FOUND",
    );
  });
});

const withIntegration = async (owner: { key: string }) => {
  const integration = await createIntegration(owner.key);
  return { integration, path: `/v1/integrations/${integration.id}` };
};

describeAuth("POST /v1/integrations", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async () => ({ method: "POST", path: "/v1/integrations", body: { name: "x" } }),
});
describeAuth("GET /v1/integrations", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async (owner) => {
    const { integration } = await withIntegration(owner);
    return { method: "GET", path: "/v1/integrations", secrets: [integration.id] };
  },
});
describeAuth("GET /v1/integrations/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "GET", path: (await withIntegration(owner)).path }),
});
describeAuth("PATCH /v1/integrations/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({
    method: "PATCH",
    path: (await withIntegration(owner)).path,
    body: { name: "renamed" },
  }),
});
describeAuth("DELETE /v1/integrations/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "DELETE", path: (await withIntegration(owner)).path }),
});
