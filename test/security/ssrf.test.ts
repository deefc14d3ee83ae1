import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { QueueMessage } from "../../src/delivery/messages";
import worker from "../../src/index";
import {
  attemptRows,
  channelUrl,
  deliveriesOfTrigger,
  newChannel,
  received,
  seedAttendee,
  seedTrigger,
  seedWebhook,
  seedWorld,
} from "../delivery/seed";
import { createAccount, createIntegration } from "../factories";
import { api } from "../helpers/api";
import { callWithEnv, STRICT_TARGETS } from "./support";

/**
 * The webhook URL policy with production flags (ALLOW_HTTP_TARGETS and ALLOW_PRIVATE_TARGETS
 * off; the test env turns them on for the local receiver): on create, on update, and at send time.
 */

/** Spellings that reach loopback, private, link-local or metadata addresses, or other schemes. */
const BYPASSES = [
  // IPv4 literals in decimal, octal, hex and short forms: all 127.0.0.1 once parsed
  "https://127.0.0.1/hook",
  "https://2130706433/hook",
  "https://0177.0.0.1/hook",
  "https://0x7f.0.0.1/hook",
  "https://0x7f000001/hook",
  "https://127.1/hook",
  "https://0/hook",
  "https://0.0.0.0/hook",
  // private ranges and cloud metadata
  "https://10.0.0.1/hook",
  "https://172.16.5.4/hook",
  "https://192.168.0.1/hook",
  "https://169.254.169.254/latest/meta-data/",
  "https://0xa9fea9fe/latest/meta-data/",
  "https://100.64.0.1/hook",
  // IPv6 loopback, mapped, link-local, unique-local, NAT64 and 6to4 carrying private IPv4
  "https://[::1]/hook",
  "https://[0:0:0:0:0:0:0:1]/hook",
  "https://[::ffff:127.0.0.1]/hook",
  "https://[::ffff:7f00:1]/hook",
  "https://[::ffff:169.254.169.254]/hook",
  "https://[fe80::1]/hook",
  "https://[fd00::1]/hook",
  "https://[64:ff9b::a00:1]/hook",
  "https://[2002:7f00:1::]/hook",
  "https://[::]/hook",
  // localhost, with a trailing dot, in capitals, as a subdomain
  "https://localhost/hook",
  "https://localhost./hook",
  "https://LOCALHOST:8443/hook",
  "https://api.localhost/hook",
  // userinfo tricks: the real host is after the @; credentials are refused anyway
  "https://crm.example.com@127.0.0.1/hook",
  "https://crm.example.com:443@10.0.0.1/hook",
  "https://user:pass@crm.example.com/hook",
  "https://127.0.0.1\\@crm.example.com/hook",
  "https://127.0.0.1#@crm.example.com/hook",
  // other schemes, and http while http targets are off
  "http://crm.example.com/hook",
  "ftp://crm.example.com/hook",
  "file:///etc/passwd",
  "gopher://127.0.0.1:6379/_INFO",
  "ws://crm.example.com/hook",
  "data:text/plain,hello",
  "javascript:alert(1)",
  "//crm.example.com/hook",
  "crm.example.com/hook",
];

const PUBLIC_URL = "https://crm.example.com/hooks/weft";

async function strictWorld() {
  const owner = await createAccount();
  const integration = await createIntegration(owner.key);
  return { key: owner.key, integrationId: integration.id as string };
}

function storedWebhookCount(integrationId: string) {
  return env.DB.prepare("SELECT count(*) AS n FROM webhooks WHERE integration_id = ?")
    .bind(integrationId)
    .first<{ n: number }>();
}

describe("SSRF: webhook targets with production flags", () => {
  it("accepts a public https URL (the policy is not refusing everything)", async () => {
    const { key, integrationId } = await strictWorld();
    const response = await callWithEnv(STRICT_TARGETS, {
      method: "POST",
      path: `/v1/integrations/${integrationId}/webhooks`,
      key,
      body: JSON.stringify({ name: "ok", trigger: "guest.create", url: PUBLIC_URL }),
    });
    expect(response.status).toBe(201);
  });

  it("refuses every bypass spelling on create (400 naming url), storing nothing", async () => {
    const { key, integrationId } = await strictWorld();
    for (const url of BYPASSES) {
      const response = await callWithEnv(STRICT_TARGETS, {
        method: "POST",
        path: `/v1/integrations/${integrationId}/webhooks`,
        key,
        body: JSON.stringify({ name: "probe", trigger: "guest.create", url }),
      });
      expect(response.status, url).toBe(400);
      expect(response.body.error.code, url).toBe("VALIDATION_FAILED");
      expect(
        response.body.error.details.map((d: { path: string }) => d.path),
        url,
      ).toEqual(["url"]);
    }
    expect((await storedWebhookCount(integrationId))?.n).toBe(0);
  });

  it("refuses every bypass spelling on update, keeping the stored URL", async () => {
    const { key, integrationId } = await strictWorld();
    const created = await callWithEnv(STRICT_TARGETS, {
      method: "POST",
      path: `/v1/integrations/${integrationId}/webhooks`,
      key,
      body: JSON.stringify({ name: "ok", trigger: "guest.create", url: PUBLIC_URL }),
    });
    const webhookId = created.body.data.id;
    for (const url of BYPASSES) {
      const response = await callWithEnv(STRICT_TARGETS, {
        method: "PATCH",
        path: `/v1/integrations/${integrationId}/webhooks/${webhookId}`,
        key,
        body: JSON.stringify({ url }),
      });
      expect(response.status, url).toBe(400);
      expect(response.body.error.details[0]?.path, url).toBe("url");
    }
    const read = await api("GET", `/v1/integrations/${integrationId}/webhooks/${webhookId}`, {
      key,
    });
    expect(read.body.data.url).toBe(PUBLIC_URL);
  });

  it("checks again at send time: a stored private URL is refused by the consumer, no request", async () => {
    // Stored while private targets were allowed (as in local development), sent with them off.
    const channel = newChannel();
    const world = await seedWorld();
    await seedWebhook(world, { url: channelUrl(channel) });
    const attendee = await seedAttendee(world);
    const triggerId = await seedTrigger(world, {
      trigger: "guest.create",
      snapshot: { uid: attendee.id },
      entityUid: attendee.id,
    });
    const batch = createMessageBatch<QueueMessage>("weft-triggers", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "trigger", triggerId } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ...STRICT_TARGETS }, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);

    const [delivery] = await deliveriesOfTrigger(triggerId);
    expect(delivery?.status).toBe("pending"); // a refused target is a failed attempt, retried
    const [attempt] = await attemptRows(delivery?.id ?? "");
    expect(attempt?.statusCode).toBeNull();
    expect(attempt?.error).toMatch(/^Target refused: .*(https|private)/);
    expect(await received(channel)).toEqual([]);
  });

  it("refuses the https bypass spellings at send time too (stored before the policy, or by hand)", async () => {
    const httpsBypasses = BYPASSES.filter((url) => url.startsWith("https://"));
    expect(httpsBypasses.length).toBeGreaterThan(10);
    const world = await seedWorld();
    for (const url of httpsBypasses) await seedWebhook(world, { url });
    const attendee = await seedAttendee(world);
    const triggerId = await seedTrigger(world, {
      trigger: "guest.create",
      snapshot: { uid: attendee.id },
      entityUid: attendee.id,
    });
    const batch = createMessageBatch<QueueMessage>("weft-triggers", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "trigger", triggerId } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, ...STRICT_TARGETS }, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);

    const sent = await deliveriesOfTrigger(triggerId);
    expect(sent).toHaveLength(httpsBypasses.length);
    for (const delivery of sent) {
      const attempts = await attemptRows(delivery.id);
      expect(attempts, delivery.webhookId).toHaveLength(1);
      expect(attempts[0]?.statusCode).toBeNull();
      expect(attempts[0]?.error).toMatch(/^Target refused: /);
      expect(attempts[0]?.error).not.toMatch(/https/);
    }
  });

  it("checks again on the webhook test route: nothing is sent to a private target", async () => {
    const channel = newChannel();
    const { key, integrationId } = await strictWorld();
    const created = await api("POST", `/v1/integrations/${integrationId}/webhooks`, {
      key,
      body: { name: "local", trigger: "guest.create", url: channelUrl(channel) },
    });
    expect(created.status).toBe(201);
    const response = await callWithEnv(STRICT_TARGETS, {
      method: "POST",
      path: `/v1/integrations/${integrationId}/webhooks/${created.body.data.id}/test`,
      key,
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ success: false, status_code: null });
    expect(response.body.data.error).toMatch(/^Target refused/);
    expect(await received(channel)).toEqual([]);
  });
});
