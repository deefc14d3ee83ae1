import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleMessage, processBatch } from "../../src/delivery/consumer";
import type { OutgoingMessage, QueueMessage } from "../../src/delivery/messages";
import { createIntegrationKey, createWorld } from "../factories";
import { api, expectError } from "../helpers/api";
import { recordingDeps } from "../helpers/deps";
import { script } from "../helpers/receiver";

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
    const headerValue = `Bearer crm-token-${crypto.randomUUID()}`;
    const tokens = [1, 2].map(() => `tok-${crypto.randomUUID()}`);
    const world = await createWorld({
      integration: {},
      webhooks: tokens.map((token) => ({
        headers: { authorization: headerValue, "x-api-token": token },
      })),
    });
    const { key, event } = world;
    const [okHook, failHook] = world.webhooks;
    const integration = { id: okHook.integration_id };
    await script(failHook.channel, [{ status: 500, body: "receiver stack trace here" }]);
    const spare = await api("POST", "/v1/account/admin-keys", { key });
    const live = await createIntegrationKey(key, integration.id);
    const rotated = await api("POST", `/v1/integrations/${integration.id}/keys/${live.id}/rotate`, {
      key,
      body: { grace_seconds: 0 },
    });
    expect(rotated.status).toBe(201);
    const rotatedSecret = await api(
      "POST",
      `/v1/integrations/${integration.id}/webhooks/${okHook.id}/secret/rotate`,
      { key },
    );
    secrets.push(key, spare.body.data.key, live.key, rotated.body.data.key, headerValue);
    secrets.push(...tokens, okHook.secret, failHook.secret, rotatedSecret.body.data.secret);
    // Guests with e-mails, through a queue that fails (logged), then delivered by the consumer.
    const emails = [0, 1, 2].map(
      (i) => `guest.${i}.${crypto.randomUUID().slice(0, 6)}@example.org`,
    );
    secrets.push(...emails);
    // The queue refuses every send; the trigger ids it was given are kept for the consumer.
    const triggerIds: string[] = [];
    const failingQueue = {
      send: () => Promise.reject(new Error("queue unavailable")),
      sendBatch: async (messages: Iterable<OutgoingMessage>) => {
        for (const { body } of messages) {
          if (body.type === "trigger") triggerIds.push(body.triggerId);
        }
        throw new Error("queue unavailable");
      },
    };
    for (const email of emails) {
      const response = await api("POST", "/v1/attendees", {
        key,
        body: { event_uid: event.uid, fields: { email, lastname: "Doe" } },
        env: { TRIGGERS: failingQueue as unknown as Queue },
      });
      expect(response.status).toBe(201);
    }
    expect(triggerIds).toHaveLength(emails.length);
    const { deps } = recordingDeps({ timeoutMs: 1000 });
    for (const triggerId of triggerIds) await handleMessage(deps, { type: "trigger", triggerId });
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
      batchOf("weft-triggers-dlq", { type: "trigger", triggerId: triggerIds[0] ?? "" }),
      deps,
    );

    // Errors: bad keys in the header, validation with personal data in the body, a 500.
    const unknownKey = await api("GET", "/v1/account", { key: `wft_admin_${"Z".repeat(43)}` });
    expectError(unknownKey, 401, "UNAUTHORIZED");
    expectError(await api("GET", "/v1/account", { key: live.key }), 401, "UNAUTHORIZED");
    const invalid = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, fields: { email: emails[0], nope: emails[1] } },
    });
    expectError(invalid, 422, "UNPROCESSABLE");
    const crashed = await api("GET", "/v1/account", {
      key,
      env: { DB: undefined as unknown as D1Database },
    });
    const crash = expectError(crashed, 500, "INTERNAL");

    const logged = lines.join("\n");
    // The capture works: the 500, the failed queue send and the dead letter were logged.
    expect(logged).toContain(crash.request_id);
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
