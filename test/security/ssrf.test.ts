import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleMessage } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import { targetPolicyFrom } from "../../src/delivery/target-policy";
import { createAccount, createIntegration, createWebhook, createWorld } from "../factories";
import { api, expectError } from "../helpers/api";
import { recordingDeps } from "../helpers/deps";
import { channelUrl, newChannel, received } from "../helpers/receiver";
import { adminKeyPool, recordingQueue, STRICT_TARGETS } from "./support";

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

/**
 * An attendee of the world's event, created with production flags, its trigger handed to the
 * Worker's queue consumer and its webhooks' endpoints with production flags too: called in the
 * test (the ENDPOINT objects run with the test's own flags), on a queue that records instead of
 * sending, so retries do not run later behind the test's back.
 */
async function createAttendeeStrictly(world: { key: string; event: { uid: string } }) {
  const { queue, sent } = recordingQueue();
  const strict = { ...env, ...STRICT_TARGETS, TRIGGERS: queue };
  const created = await api("POST", "/v1/attendees", {
    key: world.key,
    body: { event_uid: world.event.uid, fields: { email: "jane@example.com" } },
    env: strict,
  });
  expect(created.status).toBe(201);
  expect(sent).toEqual([{ type: "trigger", triggerId: expect.stringMatching(/^trg_/) }]);
  const { deps } = recordingDeps({ targets: targetPolicyFrom(STRICT_TARGETS) });
  for (const body of sent.splice(0)) await handleMessage(deps, body as QueueMessage);
  return created.body.data;
}

/** The deliveries of one attendee, each with its attempts, read through the API. */
async function deliveriesOf(key: string, integrationId: string, attendeeUid: string) {
  const keys = adminKeyPool(key);
  const list = await api("GET", `/v1/integrations/${integrationId}/deliveries?page_size=100`, {
    key: await keys(),
  });
  const deliveries = [];
  for (const { id, entity_uid } of list.body.data) {
    if (entity_uid !== attendeeUid) continue;
    deliveries.push((await api("GET", `/v1/deliveries/${id}`, { key: await keys() })).body.data);
  }
  return deliveries;
}

describe("SSRF: webhook targets with production flags", () => {
  it("accepts a public https URL (the policy is not refusing everything)", async () => {
    const { key, integrationId } = await strictWorld();
    const response = await api("POST", `/v1/integrations/${integrationId}/webhooks`, {
      key,
      body: { name: "ok", trigger: "guest.create", url: PUBLIC_URL },
      env: STRICT_TARGETS,
    });
    expect(response.status).toBe(201);
  });

  it("refuses every bypass spelling on create (400 naming url), storing nothing", async () => {
    const { key, integrationId } = await strictWorld();
    for (const url of BYPASSES) {
      const response = await api("POST", `/v1/integrations/${integrationId}/webhooks`, {
        key,
        body: { name: "probe", trigger: "guest.create", url },
        env: STRICT_TARGETS,
      });
      const error = expectError(response, 400, "VALIDATION_FAILED");
      expect(
        error.details.map((d) => d.path),
        url,
      ).toEqual(["url"]);
    }
    expect((await storedWebhookCount(integrationId))?.n).toBe(0);
  });

  it("refuses every bypass spelling on update, keeping the stored URL", async () => {
    const { key, integrationId } = await strictWorld();
    const created = await api("POST", `/v1/integrations/${integrationId}/webhooks`, {
      key,
      body: { name: "ok", trigger: "guest.create", url: PUBLIC_URL },
      env: STRICT_TARGETS,
    });
    const webhookId = created.body.data.id;
    for (const url of BYPASSES) {
      const response = await api(
        "PATCH",
        `/v1/integrations/${integrationId}/webhooks/${webhookId}`,
        { key, body: { url }, env: STRICT_TARGETS },
      );
      const error = expectError(response, 400, "VALIDATION_FAILED");
      expect(error.details[0]?.path, url).toBe("url");
    }
    const read = await api("GET", `/v1/integrations/${integrationId}/webhooks/${webhookId}`, {
      key,
    });
    expect(read.body.data.url).toBe(PUBLIC_URL);
  });

  it("checks again at send time: a stored private URL is refused by the consumer, no request", async () => {
    // Stored while private targets were allowed (as in local development), sent with them off.
    const world = await createWorld({ integration: {}, webhooks: [{ trigger: "guest.create" }] });
    const [webhook] = world.webhooks;
    const attendee = await createAttendeeStrictly(world);

    const [delivery, ...others] = await deliveriesOf(
      world.key,
      webhook.integration_id,
      attendee.uid,
    );
    expect(others).toEqual([]);
    expect(delivery?.webhook_id).toBe(webhook.id);
    expect(delivery?.status).toBe("pending"); // a refused target is a failed attempt, retried
    const [attempt] = delivery?.attempts ?? [];
    expect(attempt?.status_code).toBeNull();
    expect(attempt?.error).toMatch(/^Target refused: .*(https|private)/);
    expect(await received(webhook.channel)).toEqual([]);
  });

  it("refuses the https bypass spellings at send time too (stored before the policy, or by hand)", async () => {
    const httpsBypasses = BYPASSES.filter((url) => url.startsWith("https://"));
    expect(httpsBypasses.length).toBeGreaterThan(10);
    const world = await createWorld({ integration: {} });
    const integrationId = world.integration?.id ?? "";
    // Stored as local development allows (private targets on); a spelling the API refuses
    // whatever the flags (credentials in the URL) gets a public URL, rewritten below.
    const handWritten: [id: string, url: string][] = [];
    for (const url of httpsBypasses) {
      const created = await api("POST", `/v1/integrations/${integrationId}/webhooks`, {
        key: world.key,
        body: { name: "probe", trigger: "guest.create", url },
      });
      if (created.status === 201) continue;
      expectError(created, 400, "VALIDATION_FAILED");
      handWritten.push([(await createWebhook(world.key, integrationId)).id, url]);
    }
    // The one write by hand: what a row stored before the policy existed (or edited in D1)
    // would hold, which the API refuses today whatever the flags.
    await env.DB.batch(
      handWritten.map(([id, url]) =>
        env.DB.prepare("UPDATE webhooks SET url = ? WHERE id = ?").bind(url, id),
      ),
    );
    const attendee = await createAttendeeStrictly(world);

    const sent = await deliveriesOf(world.key, integrationId, attendee.uid);
    expect(sent).toHaveLength(httpsBypasses.length);
    for (const delivery of sent) {
      const { attempts } = delivery;
      expect(attempts, delivery.webhook_id).toHaveLength(1);
      expect(attempts[0]?.status_code).toBeNull();
      expect(attempts[0]?.error).toMatch(/^Target refused: /);
      expect(attempts[0]?.error).not.toMatch(/https/);
    }
  });

  it("checks again on the webhook test route: nothing is sent to a private target", async () => {
    const channel = newChannel();
    const { key, integrationId } = await strictWorld();
    const webhook = await createWebhook(key, integrationId, { url: channelUrl(channel) });
    const response = await api(
      "POST",
      `/v1/integrations/${integrationId}/webhooks/${webhook.id}/test`,
      { key, env: STRICT_TARGETS },
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ success: false, status_code: null });
    expect(response.body.data.error).toMatch(/^Target refused/);
    expect(await received(channel)).toEqual([]);
  });
});
