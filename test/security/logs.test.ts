import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleMessage, processBatch } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import { channelUrl, newChannel, script, testDeps } from "../delivery/seed";
import { callWithEnv, fastApi } from "./support";

/**
 * The Worker runs in this isolate, so its console is this console: capture everything a full
 * scenario logs, errors and a 500 included, and find no key, secret, header value or e-mail in it.
 */

const METHODS = ["log", "info", "warn", "error", "debug"] as const;

function captureConsole() {
  const lines: string[] = [];
  for (const method of METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(
        args
          .map((a) =>
            a instanceof Error
              ? `${a.name} ${a.message} ${a.stack}`
              : typeof a === "string"
                ? a
                : JSON.stringify(a),
          )
          .join(" "),
      );
    });
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe("logs", () => {
  it("hold no key, secret, header value or e-mail address through a full scenario", async () => {
    const lines = captureConsole();
    const secrets: string[] = [env.BOOTSTRAP_TOKEN, env.SECRETS_KEY];
    const made = async (method: string, path: string, key: string, body?: unknown) => {
      const response = await fastApi(method, path, { key, body });
      if (response.status >= 300) throw new Error(`${path}: ${JSON.stringify(response.body)}`);
      return response.body.data;
    };

    const { admin_key } = await made("POST", "/v1/accounts", env.BOOTSTRAP_TOKEN, {
      name: "Logged",
    });
    const key: string = admin_key.key;
    const spare = await made("POST", "/v1/account/admin-keys", key);
    secrets.push(key, spare.key);
    const profile = await made("POST", "/v1/profiles", key, { name: "Brand" });
    const integration = await made("POST", "/v1/integrations", key, {
      name: "CRM",
      profile_uids: [profile.uid],
    });
    const live = await made("POST", `/v1/integrations/${integration.id}/keys`, key);
    const rotated = await made(
      "POST",
      `/v1/integrations/${integration.id}/keys/${live.id}/rotate`,
      key,
      { grace_seconds: 0 },
    );
    secrets.push(live.key, rotated.key);
    await made("PUT", `/v1/profiles/${profile.uid}/integration`, key, {
      integration_id: integration.id,
    });
    const headerValue = `Bearer crm-token-${crypto.randomUUID()}`;
    const okChannel = newChannel();
    const failChannel = newChannel();
    await script(failChannel, [{ status: 500, body: "receiver stack trace here" }]);
    const hooks = [];
    for (const channel of [okChannel, failChannel]) {
      const hook = await made("POST", `/v1/integrations/${integration.id}/webhooks`, key, {
        name: "Push",
        trigger: "guest.create",
        url: channelUrl(channel),
        headers: { authorization: headerValue, "x-api-token": `tok-${channel}` },
      });
      secrets.push(hook.secret, `tok-${channel}`);
      hooks.push(hook);
    }
    secrets.push(headerValue);
    const rotatedSecret = await made(
      "POST",
      `/v1/integrations/${integration.id}/webhooks/${hooks[0].id}/secret/rotate`,
      key,
    );
    secrets.push(rotatedSecret.secret);
    const event = await made("POST", "/v1/events", key, {
      profile_uid: profile.uid,
      name: "Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    });

    // Guests with e-mails, through a queue that fails (logged), then delivered by the consumer.
    const emails = [0, 1, 2].map(
      (i) => `guest.${i}.${crypto.randomUUID().slice(0, 6)}@example.org`,
    );
    secrets.push(...emails);
    const failingQueue = {
      send: () => Promise.reject(new Error("queue unavailable")),
      sendBatch: () => Promise.reject(new Error("queue unavailable")),
    };
    const guests = [];
    for (const email of emails) {
      const response = await callWithEnv(
        { TRIGGERS: failingQueue as unknown as Queue },
        {
          method: "POST",
          path: "/v1/attendees",
          key,
          body: JSON.stringify({ event_uid: event.uid, fields: { email, lastname: "Doe" } }),
        },
      );
      expect(response.status).toBe(201);
      guests.push(response.body.data);
    }
    const { results: triggers } = await env.DB.prepare(
      `SELECT id FROM triggers WHERE entity_uid IN (${guests.map(() => "?").join(",")})`,
    )
      .bind(...guests.map((g) => g.uid))
      .all<{ id: string }>();
    const { deps } = testDeps({ timeoutMs: 1000 });
    for (const { id } of triggers) await handleMessage(deps, { type: "trigger", triggerId: id });
    // A batch whose retry cannot be queued (logged), and a dead-lettered message (logged).
    const batchOf = (queue: string, body: QueueMessage) =>
      ({
        queue,
        messages: [
          {
            id: "m",
            timestamp: new Date(),
            attempts: 1,
            body,
            ack() {},
            retry() {},
            retryAll() {},
          },
        ],
      }) as unknown as MessageBatch<QueueMessage>;
    await processBatch(batchOf("weft-triggers", { type: "deliver", deliveryId: "dlv_missing" }), {
      ...deps,
      db: undefined as unknown as typeof deps.db,
    });
    await processBatch(
      batchOf("weft-triggers-dlq", { type: "trigger", triggerId: triggers[0]?.id ?? "" }),
      deps,
    );

    // Errors: bad keys in the header, validation with personal data in the body, a 500.
    await fastApi("GET", "/v1/account", { key: `wft_admin_${"Z".repeat(43)}` });
    await fastApi("GET", "/v1/account", { key: live.key });
    await fastApi("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, fields: { email: emails[0], nope: emails[1] } },
    });
    const crashed = await callWithEnv(
      { DB: undefined as unknown as D1Database },
      { method: "GET", path: "/v1/account", key },
    );
    expect(crashed.status).toBe(500);

    const logged = lines.join("\n");
    // The capture works: the 500, the failed queue send and the dead letter were logged.
    expect(logged).toContain(crashed.body.error.request_id);
    expect(logged).toMatch(/queue send failed/);
    expect(logged).toMatch(/dead-lettered/);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(logged).not.toContain(secret);
    }
    expect(logged).not.toMatch(/[\w.+-]+@example\.(org|com)/);
    expect(logged).not.toMatch(/wft_(admin|live)_[\w-]{10,}|whsec_[\w+/=]{10,}/);
  });
});
