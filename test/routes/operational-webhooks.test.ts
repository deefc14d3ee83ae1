import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/lib/secret-box";
import { createAccount, createIntegration, createOperationalWebhook } from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

type Row = Record<string, string | number | null>;
const stored = (id: string) =>
  env.DB.prepare("SELECT * FROM webhooks WHERE id = ?").bind(id).first<Row>();

const PATH = "/v1/account/operational-webhooks";

describe("POST /v1/account/operational-webhooks", () => {
  it("creates an endpoint: secret once, headers masked, both encrypted at rest", async () => {
    const { key, account } = await createAccount();
    const body = {
      name: "On-call",
      url: "https://ops.example.com/hooks/weft",
      headers: { Authorization: "Bearer ops-token-123" },
    };
    const response = await api("POST", PATH, { key, body });
    expect(response.status).toBe(201);
    const data = response.body.data;
    expect(data.id).toMatch(/^whk_[0-9a-z]{20}$/);
    expect(data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(data).toEqual({
      id: data.id,
      name: "On-call",
      url: body.url,
      headers: { authorization: "********" },
      enabled: true,
      disabled_reason: null,
      state: "active",
      paused_until: null,
      secret_prefix: data.secret.slice(0, 10),
      secret: data.secret,
      created_at: data.created_at,
      updated_at: data.created_at,
    });

    const read = await api("GET", `${PATH}/${data.id}`, { key });
    const { secret: _secret, ...withoutSecret } = data;
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(withoutSecret);
    expect(JSON.stringify(read.body)).not.toContain("ops-token-123");

    // A row of `webhooks` with no integration and its own kind; secrets encrypted.
    const row = await stored(data.id);
    expect(row).toMatchObject({
      account_id: account.id,
      integration_id: null,
      trigger: "operational",
      method: "POST",
    });
    const text = JSON.stringify(row);
    expect(text).not.toContain("ops-token-123");
    expect(text).not.toContain(data.secret);
    expect(await decryptSecret(env.SECRETS_KEY, String(row?.secret_encrypted))).toBe(data.secret);
    expect(await decryptSecret(env.SECRETS_KEY, String(row?.headers_encrypted))).toBe(
      '{"authorization":"Bearer ops-token-123"}',
    );
  });

  it("refuses a URL the webhook policy refuses, an unknown property and a missing name", async () => {
    const { key } = await createAccount();
    const credentials = await api("POST", PATH, {
      key,
      body: { name: "x", url: "https://user:pw@ops.example.com/" },
    });
    const error = expectError(credentials, 400, "VALIDATION_FAILED");
    expect(error.details.map((d) => d.path)).toEqual(["url"]);
    const unknown = await request(key, {
      name: "x",
      url: "https://ops.example.com/",
      trigger: "x",
    });
    expect(expectError(unknown, 400, "VALIDATION_FAILED").details[0]?.path).toBe("trigger");
    const missing = await request(key, { url: "https://ops.example.com/" });
    expect(expectError(missing, 400, "VALIDATION_FAILED").details[0]?.path).toBe("name");
    const header = await request(key, {
      name: "x",
      url: "https://ops.example.com/",
      headers: { "webhook-id": "mine" },
    });
    expect(expectError(header, 400, "VALIDATION_FAILED").details[0]?.path).toBe(
      "headers.webhook-id",
    );
    const list = await api("GET", PATH, { key });
    expect(list.body.meta.total).toBe(0);
  });
});

/** A create with a body the typed helper would not let through. */
function request(key: string, body: unknown) {
  return api("POST", PATH, { key, body: body as { name: string; url: string } });
}

describe("GET /v1/account/operational-webhooks", () => {
  it("lists the account's endpoints a page at a time, oldest first, never an integration's webhooks", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      key,
      body: { name: "w", trigger: "guest.create", url: "https://crm.example.com/h" },
    });
    const first = await createOperationalWebhook(key, { name: "First" });
    const second = await createOperationalWebhook(key, { name: "Second" });
    const third = await createOperationalWebhook(key, { name: "Third" });
    const page1 = await api("GET", `${PATH}?page=1&page_size=2`, { key });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(page1.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    const page2 = await api("GET", `${PATH}?page=2&page_size=2`, { key });
    expect(page2.body.data.map((e) => e.name)).toEqual(["Third"]);
    expect(page2.body.data[0]).not.toHaveProperty("secret");
    expect(third.id).toBe(page2.body.data[0]?.id);

    // An integration's webhooks list never shows them either.
    const webhooks = await api("GET", `/v1/integrations/${integration.id}/webhooks`, { key });
    expect(webhooks.body.data.map((w) => w.name)).toEqual(["w"]);
    const bad = await api("GET", `${PATH}?page_size=0` as typeof PATH, { key });
    expectError(bad, 400, "VALIDATION_FAILED");
  });
});

describe("PATCH and DELETE /v1/account/operational-webhooks/{id}", () => {
  it("updates what is given, re-enables with the reason cleared, and deletes", async () => {
    const { key } = await createAccount();
    const endpoint = await createOperationalWebhook(key);
    await env.DB.prepare(
      "UPDATE webhooks SET enabled = 0, disabled_reason = 'gone', failing_since = ? WHERE id = ?",
    )
      .bind(new Date().toISOString(), endpoint.id)
      .run();
    const renamed = await api("PATCH", `${PATH}/${endpoint.id}`, {
      key,
      body: { name: "Renamed", headers: { "x-team": "ops" } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({
      name: "Renamed",
      url: endpoint.url,
      headers: { "x-team": "********" },
      enabled: false,
      disabled_reason: "gone",
    });
    const enabled = await api("PATCH", `${PATH}/${endpoint.id}`, {
      key,
      body: { enabled: true },
    });
    expect(enabled.body.data).toMatchObject({ enabled: true, disabled_reason: null });
    expect(await stored(endpoint.id)).toMatchObject({ failing_since: null, enabled: 1 });

    const badUrl = await api("PATCH", `${PATH}/${endpoint.id}`, {
      key,
      body: { url: "ftp://ops.example.com/" },
    });
    expect(expectError(badUrl, 400, "VALIDATION_FAILED").details[0]?.path).toBe("url");
    const empty = await api("PATCH", `${PATH}/${endpoint.id}`, { key, body: { name: "" } });
    expect(expectError(empty, 400, "VALIDATION_FAILED").details[0]?.path).toBe("name");

    const deleted = await api("DELETE", `${PATH}/${endpoint.id}`, { key });
    expect(deleted.status).toBe(204);
    expect(await stored(endpoint.id)).toBeNull();
    expectError(await api("GET", `${PATH}/${endpoint.id}`, { key }), 404, "NOT_FOUND");
    expectError(await api("DELETE", `${PATH}/${endpoint.id}`, { key }), 404, "NOT_FOUND");
  });

  it("is 404 for an integration's webhook and for an unknown id", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const webhook = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      key,
      body: { name: "w", trigger: "guest.create", url: "https://crm.example.com/h" },
    });
    const id = webhook.body.data.id;
    const error = expectError(await api("GET", `${PATH}/${id}`, { key }), 404, "NOT_FOUND");
    expect(error.message).toContain("Operational webhook");
    expectError(
      await api("PATCH", `${PATH}/${id}`, { key, body: { name: "x" } }),
      404,
      "NOT_FOUND",
    );
    expectError(await api("DELETE", `${PATH}/${id}`, { key }), 404, "NOT_FOUND");
    expectError(await api("GET", `${PATH}/whk_unknown`, { key }), 404, "NOT_FOUND");
    expectError(await api("GET", `${PATH}/${id}/deliveries`, { key }), 404, "NOT_FOUND");
    // Nor does an integration's route reach an operational endpoint.
    const endpoint = await createOperationalWebhook(key);
    expectError(
      await api("GET", `/v1/integrations/${integration.id}/webhooks/${endpoint.id}`, { key }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("POST /v1/account/operational-webhooks/{id}/secret/rotate", () => {
  it("gives a new secret once, keeps the previous one signing for 24 h, and 404s an integration's webhook", async () => {
    const { key } = await createAccount();
    const endpoint = await createOperationalWebhook(key);
    const response = await api("POST", `${PATH}/${endpoint.id}/secret/rotate`, { key });
    expect(response.status).toBe(200);
    const { secret } = response.body.data;
    expect(Object.keys(response.body.data)).toEqual(["secret"]);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);
    const row = await stored(endpoint.id);
    expect(await decryptSecret(env.SECRETS_KEY, String(row?.secret_encrypted))).toBe(secret);
    expect(await decryptSecret(env.SECRETS_KEY, String(row?.previous_secret_encrypted))).toBe(
      endpoint.secret,
    );
    const keep = Date.parse(String(row?.previous_secret_expires_at)) - Date.now();
    expect(keep).toBeGreaterThan(86_395_000);
    expect(keep).toBeLessThan(86_405_000);
    const read = await api("GET", `${PATH}/${endpoint.id}`, { key });
    expect(read.body.data.secret_prefix).toBe(secret.slice(0, 10));
    expect(read.body.data).not.toHaveProperty("secret");

    const integration = await createIntegration(key);
    const webhook = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      key,
      body: { name: "w", trigger: "guest.create", url: "https://crm.example.com/h" },
    });
    const other = await api("POST", `${PATH}/${webhook.body.data.id}/secret/rotate`, { key });
    expectError(other, 404, "NOT_FOUND");
    expect(await stored(webhook.body.data.id)).toMatchObject({ previous_secret_encrypted: null });
  });
});

const withEndpoint = async (owner: { key: string }) =>
  `${PATH}/${(await createOperationalWebhook(owner.key)).id}` as const;

describeAuth("POST /v1/account/operational-webhooks", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async () => ({
    method: "POST",
    path: PATH,
    body: { name: "x", url: "https://ops.example.com/" },
  }),
});
describeAuth("GET /v1/account/operational-webhooks", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async (owner) => ({
    method: "GET",
    path: PATH,
    secrets: [(await createOperationalWebhook(owner.key)).id],
  }),
});
describeAuth("GET /v1/account/operational-webhooks/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "GET", path: await withEndpoint(owner) }),
});
describeAuth("PATCH /v1/account/operational-webhooks/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({
    method: "PATCH",
    path: await withEndpoint(owner),
    body: { name: "y" },
  }),
});
describeAuth("GET /v1/account/operational-webhooks/{id}/deliveries", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "GET", path: `${await withEndpoint(owner)}/deliveries` }),
});
describeAuth("POST /v1/account/operational-webhooks/{id}/secret/rotate", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "POST", path: `${await withEndpoint(owner)}/secret/rotate` }),
});

describeAuth("DELETE /v1/account/operational-webhooks/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "DELETE", path: await withEndpoint(owner) }),
});
