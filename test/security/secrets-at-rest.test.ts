import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createAccount,
  createIntegration,
  createIntegrationKey,
  createWebhook,
} from "../factories";
import { api } from "../helpers/api";

async function allRows(table: "api_keys" | "webhooks") {
  const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
  return JSON.stringify(results);
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
});
