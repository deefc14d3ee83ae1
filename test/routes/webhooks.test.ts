import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/lib/secret-box";
import { rotateWebhookSecret } from "../../src/services/webhooks";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createWebhook,
  createWorld,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { realDeps } from "../helpers/deps";
import { describeAuth } from "../helpers/describe-auth";
import { receivedAtLeast, script, waitFor } from "../helpers/receiver";

type Row = Record<string, string>;
const storedWebhook = (id: string) =>
  env.DB.prepare("SELECT * FROM webhooks WHERE id = ?").bind(id).first<Row>();

describe("POST /v1/integrations/{id}/webhooks", () => {
  it("creates a webhook: secret once, headers masked, both encrypted at rest", async () => {
    const { key, profile, event } = await createWorld();
    const second = await createEvent(key, profile.uid);
    const integration = await createIntegration(key);
    const body = {
      name: "Push to CRM",
      trigger: "guest.create",
      url: "https://crm.example.com/hooks/weft",
      method: "PUT",
      headers: { Authorization: "Bearer crm-token-123", "X-Tenant": "acme" },
      event_uids: `${event.uid}, ${second.uid},`,
    };
    const response = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      key,
      body,
    });
    expect(response.status).toBe(201);
    const data = response.body.data;
    expect(data.id).toMatch(/^whk_[0-9a-z]{20}$/);
    expect(data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(data.secret.slice(6))).toHaveLength(32);
    expect(data).toEqual({
      id: data.id,
      integration_id: integration.id,
      name: "Push to CRM",
      trigger: "guest.create",
      url: body.url,
      secret_url: false,
      method: "PUT",
      headers: { authorization: "********", "x-tenant": "********" },
      event_uids: [event.uid, second.uid],
      payload_template: null,
      body_encoding: "json",
      enabled: true,
      disabled_reason: null,
      max_per_second: null,
      ordering: "none",
      state: "active",
      paused_until: null,
      state_reason: null,
      secret_prefix: data.secret.slice(0, 10),
      secret: data.secret,
      created_at: data.created_at,
      updated_at: data.created_at,
    });

    const read = await api("GET", `/v1/integrations/${integration.id}/webhooks/${data.id}`, {
      key,
    });
    const { secret: _secret, ...withoutSecret } = data;
    expect(read.body.data).toEqual(withoutSecret);
    expect(JSON.stringify(read.body)).not.toContain("crm-token-123");

    const row = await storedWebhook(data.id);
    const text = JSON.stringify(row);
    expect(text).not.toContain("crm-token-123");
    expect(text).not.toContain(data.secret);
    expect(await decryptSecret(env.SECRETS_KEY, row?.secret_encrypted ?? "")).toBe(data.secret);
    expect(JSON.parse(await decryptSecret(env.SECRETS_KEY, row?.headers_encrypted ?? ""))).toEqual({
      authorization: "Bearer crm-token-123",
      "x-tenant": "acme",
    });
  });

  it("defaults method POST, no headers, every event, enabled", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const data = await createWebhook(key, integration.id, { trigger: "event.update" });
    expect(data).toMatchObject({
      method: "POST",
      headers: {},
      event_uids: [],
      enabled: true,
      trigger: "event.update",
    });
  });

  it("refuses reserved and malformed header names, naming each", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const response = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      key,
      body: {
        name: "x",
        trigger: "guest.create",
        url: "https://example.com/",
        headers: {
          "Webhook-Signature": "x",
          "user-agent": "x",
          Host: "x",
          "content-type": "x",
          "content-length": "1",
          "webhook-id": "x",
          "webhook-timestamp": "1",
          "X-Weft-Trigger": "x",
          "bad name": "x",
          "x-ok": "line\r\nbreak",
        },
      },
    });
    const paths = expectError(response, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(
      [
        "headers.Webhook-Signature",
        "headers.user-agent",
        "headers.Host",
        "headers.content-type",
        "headers.content-length",
        "headers.webhook-id",
        "headers.webhook-timestamp",
        "headers.X-Weft-Trigger",
        "headers.bad name",
        "headers.x-ok",
      ].sort(),
    );
  });

  it("refuses bad triggers, methods and unknown events (another account's too)", async () => {
    const { key, event } = await createWorld();
    const stranger = await createWorld();
    const integration = await createIntegration(key);
    const path = `/v1/integrations/${integration.id}/webhooks` as const;
    const base = { name: "x", trigger: "guest.create", url: "https://example.com/" };
    const bad = await api("POST", path, {
      key,
      body: { ...base, trigger: "guest.created", method: "HEAD" },
    });
    expect(
      expectError(bad, 400, "VALIDATION_FAILED")
        .details.map((d) => d.path)
        .sort(),
    ).toEqual(["method", "trigger"]);
    const events = await api("POST", path, {
      key,
      body: { ...base, event_uids: [event.uid, "evt_nope", stranger.event.uid] },
    });
    expect(expectError(events, 400, "VALIDATION_FAILED").details.map((d) => d.path)).toEqual([
      "event_uids.1",
      "event_uids.2",
    ]);
    expectError(
      await api("POST", "/v1/integrations/int_nope/webhooks", { key, body: base }),
      404,
      "NOT_FOUND",
    );
  });

  it("applies the target policy to the URL (private targets refused when not allowed)", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const path = `/v1/integrations/${integration.id}/webhooks` as const;
    // The test Worker allows http and private targets (the receiver runs on 127.0.0.1) ...
    expect(
      (
        await api("POST", path, {
          key,
          body: { name: "r", trigger: "guest.create", url: env.RECEIVER_URL },
        })
      ).status,
    ).toBe(201);
    // ... but never other schemes or credentials in the URL.
    for (const url of ["ftp://example.com/", "https://user:pw@example.com/", "nope"]) {
      const response = await api("POST", path, {
        key,
        body: { name: "x", trigger: "guest.create", url },
      });
      expect(expectError(response, 400, "VALIDATION_FAILED").details[0].path).toBe("url");
    }
  });
});

describe("webhooks: list, update, delete, rotate", () => {
  it("lists the integration's webhooks, oldest first, paginated", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const other = await createIntegration(key);
    const a = await createWebhook(key, integration.id);
    const b = await createWebhook(key, integration.id);
    await createWebhook(key, other.id);
    const list = await api("GET", `/v1/integrations/${integration.id}/webhooks?page_size=1`, {
      key,
    });
    expect(list.body.data.map((w) => w.id)).toEqual([a.id]);
    expect(list.body.meta).toEqual({ page: 1, page_size: 1, total: 2, last_page: 2 });
    expect(list.body.data[0]).not.toHaveProperty("secret");
    const all = await api("GET", `/v1/integrations/${integration.id}/webhooks`, { key });
    expect(all.body.data.map((w) => w.id)).toEqual([a.id, b.id]);
  });

  it("updates given properties, replaces headers, clears disabled_reason on enable", async () => {
    const world = await createWorld({ integration: {}, webhooks: [{ headers: { "x-a": "1" } }] });
    const { key, event, integration } = world;
    const [webhook] = world.webhooks;
    if (!integration || !webhook) throw new Error("createWorld made no integration or webhook");
    // Deliveries break it as a receiver does: a failed attempt starts failing_since (a 500,
    // retried in about 5 s, after this test), then 410 Gone disables it. (A 503 with retry-after
    // would pause the whole webhook, the second delivery with it.)
    await script(webhook.channel, [{ status: 500 }, { status: 410 }]);
    await createAttendee(key, event.uid);
    await receivedAtLeast(webhook.channel, 1);
    await createAttendee(key, event.uid);
    await waitFor(
      async () => {
        const row = await storedWebhook(webhook.id);
        return row?.disabled_reason === "gone" && row.failing_since ? row : undefined;
      },
      15_000,
      "the webhook disabled as gone, failing",
    );
    const path = `/v1/integrations/${integration.id}/webhooks/${webhook.id}` as const;
    expect((await api("GET", path, { key })).body.data).toMatchObject({
      enabled: false,
      disabled_reason: "gone",
    });
    const response = await api("PATCH", path, {
      key,
      body: { enabled: true, headers: { "x-b": "2" }, event_uids: event.uid, method: "GET" },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      enabled: true,
      disabled_reason: null,
      headers: { "x-b": "********" },
      event_uids: [event.uid],
      method: "GET",
      name: webhook.name,
      url: webhook.url,
    });
    const row = await storedWebhook(webhook.id);
    expect(row?.failing_since).toBeNull();
    expect(JSON.parse(await decryptSecret(env.SECRETS_KEY, row?.headers_encrypted ?? ""))).toEqual({
      "x-b": "2",
    });
    expect((await api("GET", path, { key })).body.data).toEqual(response.body.data);

    const bad = await api("PATCH", path, { key, body: { url: "ftp://x", headers: { host: "x" } } });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path)).toEqual([
      "headers.host",
    ]);
    const badUrl = await api("PATCH", path, { key, body: { url: "https://a:b@example.com" } });
    expect(expectError(badUrl, 400, "VALIDATION_FAILED").details[0].path).toBe("url");
    const disabled = await api("PATCH", path, { key, body: { enabled: false } });
    expect(disabled.body.data).toMatchObject({ enabled: false, disabled_reason: null });
  });

  it("rotates the signing secret, keeping the previous one for 24 h", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const webhook = await createWebhook(key, integration.id);
    const before = Date.now();
    const response = await api(
      "POST",
      `/v1/integrations/${integration.id}/webhooks/${webhook.id}/secret/rotate`,
      { key },
    );
    expect(response.status).toBe(200);
    const { secret } = response.body.data;
    expect(Object.keys(response.body.data)).toEqual(["secret"]);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(webhook.secret);
    const row = await storedWebhook(webhook.id);
    expect(await decryptSecret(env.SECRETS_KEY, row?.secret_encrypted ?? "")).toBe(secret);
    expect(await decryptSecret(env.SECRETS_KEY, row?.previous_secret_encrypted ?? "")).toBe(
      webhook.secret,
    );
    const keep = Date.parse(row?.previous_secret_expires_at ?? "") - before;
    expect(keep).toBeGreaterThan(86_395_000);
    expect(keep).toBeLessThan(86_405_000);
    const read = await api("GET", `/v1/integrations/${integration.id}/webhooks/${webhook.id}`, {
      key,
    });
    expect(read.body.data.secret_prefix).toBe(secret.slice(0, 10));
  });

  it("two rotations at once hand out two secrets that both keep signing", async () => {
    const { key, account } = await createAccount();
    const integration = await createIntegration(key);
    const webhook = await createWebhook(key, integration.id);
    const owner = { accountId: account.id, integrationId: integration.id };
    const secrets = await Promise.all([
      rotateWebhookSecret(realDeps(), owner, webhook.id),
      rotateWebhookSecret(realDeps(), owner, webhook.id),
    ]);
    const row = await storedWebhook(webhook.id);
    const stored = [
      await decryptSecret(env.SECRETS_KEY, row?.secret_encrypted ?? ""),
      await decryptSecret(env.SECRETS_KEY, row?.previous_secret_encrypted ?? ""),
    ];
    expect(stored.sort()).toEqual([...secrets].sort());
  });

  it("deletes a webhook", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const other = await createIntegration(key);
    const webhook = await createWebhook(key, integration.id);
    const path = `/v1/integrations/${integration.id}/webhooks/${webhook.id}` as const;
    expectError(
      await api("DELETE", `/v1/integrations/${other.id}/webhooks/${webhook.id}`, { key }),
      404,
      "NOT_FOUND",
    );
    expect((await api("DELETE", path, { key })).status).toBe(204);
    expectError(await api("GET", path, { key }), 404, "NOT_FOUND");
    expect(await storedWebhook(webhook.id)).toBeNull();
  });
});

const withWebhook = async (owner: { key: string }) => {
  const integration = await createIntegration(owner.key);
  const webhook = await createWebhook(owner.key, integration.id);
  return `/v1/integrations/${integration.id}/webhooks/${webhook.id}` as const;
};

describeAuth("POST /v1/integrations/{id}/webhooks", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const integration = await createIntegration(owner.key);
    return {
      method: "POST",
      path: `/v1/integrations/${integration.id}/webhooks`,
      body: { name: "x", trigger: "guest.create", url: "https://example.com/" },
    };
  },
});
describeAuth("GET /v1/integrations/{id}/webhooks", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const integration = await createIntegration(owner.key);
    return { method: "GET", path: `/v1/integrations/${integration.id}/webhooks` };
  },
});
describeAuth("GET /v1/integrations/{id}/webhooks/{webhook_id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "GET", path: await withWebhook(owner) }),
});
describeAuth("PATCH /v1/integrations/{id}/webhooks/{webhook_id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({
    method: "PATCH",
    path: await withWebhook(owner),
    body: { name: "y" },
  }),
});
describeAuth("DELETE /v1/integrations/{id}/webhooks/{webhook_id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "DELETE", path: await withWebhook(owner) }),
});
describeAuth("POST /v1/integrations/{id}/webhooks/{webhook_id}/secret/rotate", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "POST", path: `${await withWebhook(owner)}/secret/rotate` }),
});
