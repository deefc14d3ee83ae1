import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createAccount,
  createIntegration,
  createIntegrationKey,
  createWebhook,
} from "../factories";
import { api, BOOTSTRAP } from "../helpers/api";

async function allRows(table: string) {
  const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
  return JSON.stringify(results);
}

/** Every row of every table, as one string to search. */
async function wholeDatabase() {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  const tables = await Promise.all(results.map((table) => allRows(`"${table.name}"`)));
  return tables.join("\n");
}

describe("secrets at rest", () => {
  it("keeps no plaintext key, header value or signing secret in D1", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const live = await createIntegrationKey(key, integration.id);
    const rotatedKey = await api(
      "POST",
      `/v1/integrations/${integration.id}/keys/${live.id}/rotate`,
      { key },
    );
    const headerValue = `Bearer header-secret-${crypto.randomUUID()}`;
    const webhook = await createWebhook(key, integration.id, {
      headers: { authorization: headerValue, "x-api-token": "tok-0123456789abcdef" },
    });
    const rotatedSecret = await api(
      "POST",
      `/v1/integrations/${integration.id}/webhooks/${webhook.id}/secret/rotate`,
      { key },
    );
    const updatedValue = `patched-secret-${crypto.randomUUID()}`;
    await api("PATCH", `/v1/integrations/${integration.id}/webhooks/${webhook.id}`, {
      key,
      body: { headers: { authorization: updatedValue } },
    });

    const keys = await allRows("api_keys");
    for (const secret of [key, live.key, rotatedKey.body.data.key]) {
      expect(secret).toMatch(/^wft_/);
      expect(keys).not.toContain(secret);
      expect(keys).not.toContain(secret.slice(14)); // not even the random part
    }
    const webhooks = await allRows("webhooks");
    for (const secret of [
      headerValue,
      "tok-0123456789abcdef",
      updatedValue,
      webhook.secret,
      webhook.secret.slice(6),
      rotatedSecret.body.data.secret,
      rotatedSecret.body.data.secret.slice(6),
    ]) {
      expect(webhooks).not.toContain(secret);
    }
    // The readable columns hold only what reads show: names and the secret's prefix.
    const row = await env.DB.prepare(
      "SELECT header_names, secret_prefix FROM webhooks WHERE id = ?",
    )
      .bind(webhook.id)
      .first();
    expect(row).toEqual({
      header_names: '["authorization"]',
      secret_prefix: rotatedSecret.body.data.secret.slice(0, 10),
    });
  });

  it("keeps no template's secret parameter in D1: not the token, not the secret URL", async () => {
    const { key } = await createAccount();
    const slackPath = `/services/T0001/B0002/${crypto.randomUUID().replaceAll("-", "")}`;
    const token = `pat-eu1-${crypto.randomUUID()}`;
    // Through the idempotency store too: the stored response must not hold them either.
    for (const [template, params] of [
      ["slack", { webhook_url: `https://hooks.slack.com${slackPath}` }],
      ["hubspot", { access_token: token }],
    ] as const) {
      const created = await api("POST", "/v1/integrations", {
        key,
        headers: { "idempotency-key": crypto.randomUUID() },
        body: { template, params },
      });
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain(Object.values(params)[0]);
    }
    const database = await wholeDatabase();
    expect(database).not.toContain(slackPath);
    expect(database).not.toContain(token);
  });

  it("keeps no plaintext secret in the idempotency store, and still replays the response", async () => {
    const suffix = crypto.randomUUID();
    const idempotent = (key: string) => ({ "idempotency-key": `${key}-${suffix}` });
    const createAccountOnce = () =>
      api("POST", "/v1/accounts", {
        key: BOOTSTRAP,
        headers: idempotent("account"),
        body: { name: "Idempotent account" },
      });
    const account = await createAccountOnce();
    expect(account.status).toBe(201);
    const admin = account.body.data.admin_key.key as string;
    const integration = await createIntegration(admin);
    const live = await api("POST", `/v1/integrations/${integration.id}/keys`, {
      key: admin,
      headers: idempotent("key"),
    });
    const webhook = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      key: admin,
      headers: idempotent("hook"),
      body: {
        name: "Idempotent hook",
        trigger: "guest.create",
        url: "https://crm.example.com/hook",
      },
    });
    expect([live.status, webhook.status]).toEqual([201, 201]);

    const stored = await wholeDatabase();
    for (const secret of [admin, live.body.data.key, webhook.body.data.secret]) {
      expect(secret).toMatch(/^(wft_|whsec_)/);
      expect(stored).not.toContain(secret);
    }
    const replay = await createAccountOnce();
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(account.body);
  });
});
