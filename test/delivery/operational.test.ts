import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleMessage } from "../../src/delivery/consumer";
import { sweep } from "../../src/delivery/sweeper";
import {
  createAttendee,
  createAttendeeWithEnv,
  createIntegrationKey,
  createOperationalWebhook,
  createWorldAnswering,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { heldQueue, recordingDeps, type SentMessage } from "../helpers/deps";
import { expectSigned, received, receivedAtLeast, script } from "../helpers/receiver";
import { attemptsOf, deliveriesOf, webhookRow } from "../helpers/stored";

/**
 * Operational notifications (README "Operational notifications"): written with the change that
 * causes them, fanned out to the account's operational endpoints, and delivered by the same
 * engine as every webhook. The first test goes through the real queue; the others call the
 * consumer and the sweeper directly, to step through retries and time.
 */

type Notification = { id: string; trigger: string; status: string };

/** The notifications recorded about a webhook or key, oldest first. */
async function notificationsAbout(subject: string): Promise<Notification[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, trigger, status FROM triggers WHERE entity_uid = ? ORDER BY created_at, rowid",
  )
    .bind(subject)
    .all<Notification>();
  return results;
}

/** Time travel: the delivery's next attempt is due now. */
async function dueNow(deliveryId: string) {
  await env.DELIVERIES_DB.prepare("UPDATE deliveries SET next_attempt_at = ? WHERE id = ?")
    .bind(new Date().toISOString(), deliveryId)
    .run();
}

/** The guest.create of a new attendee, held back and handed to the consumer with `deps`. */
async function registerAndAttempt(
  world: { key: string; event: { uid: string } },
  deps: Parameters<typeof handleMessage>[0],
) {
  const held = heldQueue();
  await createAttendeeWithEnv({ TRIGGERS: held.queue }, world.key, world.event.uid);
  const [message] = held.sent;
  if (message?.body.type !== "trigger") throw new Error("no trigger queued");
  await handleMessage(deps, message.body);
  const [delivery] = await deliveriesOf(message.body.triggerId);
  if (!delivery) throw new Error("no delivery");
  return delivery;
}

const parse = (body: string) => JSON.parse(body) as { id: string; type: string; data: never };

describe("webhook.disabled", () => {
  it("after a 410, the operational endpoint receives a signed webhook.disabled naming the webhook", async () => {
    const world = await createWorldAnswering([{ status: 410, body: "gone for good" }]);
    const { hook } = world;
    const ops = await createOperationalWebhook(world.key);
    const other = await createOperationalWebhook(world.key, { enabled: false });

    await createAttendee(world.key, world.event.uid);

    const [request] = await receivedAtLeast(ops.channel, 1, 15_000);
    if (!request) throw new Error("no notification");
    expectSigned(request, ops.secret);
    expect(request.method).toBe("POST");
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "x-weft-trigger": "webhook.disabled",
      "x-weft-entity-uid": hook.id,
      "x-weft-attempt": "1",
      "user-agent": "Weft-Webhooks/1",
    });
    expect(request.headers).not.toHaveProperty("x-weft-event-uid");
    const [failed] = await received(hook.channel);
    const body = JSON.parse(request.body);
    expect(body).toEqual({
      id: `ntf_disabled_${hook.id}_${Date.parse(body.timestamp)}`,
      type: "webhook.disabled",
      timestamp: body.timestamp,
      data: {
        webhook: {
          id: hook.id,
          name: hook.name,
          trigger: "guest.create",
          url: hook.url,
          integration_id: world.integration.id,
          integration_name: world.integration.name,
        },
        reason: "gone",
        disabled_at: body.timestamp,
        failing_since: null,
        last_attempts: [
          {
            delivery_id: failed?.headers["webhook-id"],
            attempt: 1,
            started_at: expect.any(String),
            status_code: 410,
            error: "HTTP 410",
          },
        ],
      },
    });
    // No response body travels with it: the delivery log keeps the excerpt.
    expect(request.body).not.toContain("gone for good");

    // Delivered through the delivery log like any webhook's, which the API shows.
    const delivery = await api("GET", `/v1/deliveries/${request.headers["webhook-id"]}`, {
      key: world.key,
    });
    expect(delivery.status).toBe(200);
    expect(delivery.body.data).toMatchObject({
      webhook_id: ops.id,
      integration_id: null,
      trigger: "webhook.disabled",
      event_uid: "",
      entity_uid: hook.id,
      status: "delivered",
      attempt_count: 1,
    });
    // One notification, to the enabled endpoint only.
    expect(await notificationsAbout(hook.id)).toEqual([
      { id: body.id, trigger: "webhook.disabled", status: "processed" },
    ]);
    expect(await received(other.channel)).toEqual([]);

    // The trigger log lists changes to events and attendees, not notifications.
    const log = await api("GET", "/v1/triggers", { key: world.key });
    expect(log.body.data.map((t) => t.type)).toEqual(["event.create", "guest.create"]);
    const one = await api("GET", `/v1/triggers/${body.id}`, { key: world.key });
    expectError(one, 404, "NOT_FOUND");
  }, 30_000);
});

describe("an operational endpoint's rotated secret", () => {
  it("signs the next notification with the new secret and, for 24 h, the previous one", async () => {
    const world = await createWorldAnswering([{ status: 410 }]);
    const ops = await createOperationalWebhook(world.key);
    const rotated = await api("POST", `/v1/account/operational-webhooks/${ops.id}/secret/rotate`, {
      key: world.key,
    });
    const { secret } = rotated.body.data;

    await createAttendee(world.key, world.event.uid);

    const [request] = await receivedAtLeast(ops.channel, 1, 15_000);
    if (!request) throw new Error("no notification");
    expect(request.headers["x-weft-trigger"]).toBe("webhook.disabled");
    expect(request.headers["webhook-signature"].split(" ")).toHaveLength(2);
    expectSigned(request, secret);
    expectSigned(request, ops.secret);
  }, 30_000);
});

describe("webhook.disabled after 5 days failing", () => {
  it("is sent once, with the run's start and the attempt that ended it", async () => {
    const world = await createWorldAnswering([{ status: 500 }]);
    const { hook } = world;
    const ops = await createOperationalWebhook(world.key);
    const { deps, sent } = recordingDeps({ random: () => 0.5 });
    const first = await registerAndAttempt(world, deps);
    // Time travel: the run of failures began six days ago.
    const since = new Date(Date.now() - 6 * 86_400_000).toISOString();
    await env.DB.prepare("UPDATE webhooks SET failing_since = ? WHERE id = ?")
      .bind(since, hook.id)
      .run();
    await dueNow(first.id);
    await handleMessage(deps, { type: "deliver", deliveryId: first.id });
    expect(await webhookRow(hook.id)).toMatchObject({ enabled: false, disabledReason: "failing" });
    const notifications = await notificationsAbout(hook.id);
    expect(notifications.map((n) => n.trigger)).toEqual(["webhook.failing", "webhook.disabled"]);
    const disabled = notifications[1]?.id ?? "";
    expect(sent.map(({ body }) => body)).toContainEqual({ type: "trigger", triggerId: disabled });

    await handleMessage(deps, { type: "trigger", triggerId: disabled });
    const [request] = await received(ops.channel);
    if (!request) throw new Error("no notification");
    expectSigned(request, ops.secret);
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      id: disabled,
      type: "webhook.disabled",
      data: {
        webhook: { id: hook.id },
        reason: "failing",
        failing_since: since,
        // Its last attempts from the delivery log: the first failure and the one that ended it.
        last_attempts: [
          { delivery_id: first.id, attempt: 1, status_code: 500, error: "HTTP 500" },
          { delivery_id: first.id, attempt: 2, status_code: 500, error: "HTTP 500" },
        ],
      },
    });
  });
});

describe("webhook.failing", () => {
  it("is sent once per run of failures, not per attempt", async () => {
    const world = await createWorldAnswering([
      { status: 500 },
      { status: 502 },
      { status: 204 },
      { status: 503 },
    ]);
    const { hook } = world;
    const ops = await createOperationalWebhook(world.key);
    const { deps } = recordingDeps({ random: () => 0.5 });

    const first = await registerAndAttempt(world, deps);
    expect(await notificationsAbout(hook.id)).toMatchObject([
      { trigger: "webhook.failing", status: "pending" },
    ]);
    // The second failure of the same run notifies nothing more.
    await dueNow(first.id);
    await handleMessage(deps, { type: "deliver", deliveryId: first.id });
    expect((await attemptsOf(first.id)).map((a) => a.statusCode)).toEqual([500, 502]);
    expect(await notificationsAbout(hook.id)).toHaveLength(1);
    // A success ends the run; the next failure starts another, and notifies again.
    await dueNow(first.id);
    await handleMessage(deps, { type: "deliver", deliveryId: first.id });
    expect((await webhookRow(hook.id))?.failingSince).toBeNull();
    await registerAndAttempt(world, deps);
    const notifications = await notificationsAbout(hook.id);
    expect(notifications.map((n) => n.trigger)).toEqual(["webhook.failing", "webhook.failing"]);
    expect(new Set(notifications.map((n) => n.id)).size).toBe(2);

    for (const { id } of notifications)
      await handleMessage(deps, { type: "trigger", triggerId: id });
    const got = await received(ops.channel);
    expect(got.map((r) => r.headers["x-weft-trigger"])).toEqual([
      "webhook.failing",
      "webhook.failing",
    ]);
    for (const request of got) expectSigned(request, ops.secret);
    const bodies = got.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.id)).toEqual(notifications.map((n) => n.id));
    expect(bodies.map((b) => b.data.attempt.status_code)).toEqual([500, 503]);
    expect(bodies[0].data).toMatchObject({
      webhook: { id: hook.id, integration_id: world.integration.id },
      failing_since: bodies[0].data.attempt.started_at,
      attempt: { delivery_id: first.id, attempt: 1, error: "HTTP 500" },
    });
    // A message handled twice (a redelivered message) sends nothing twice.
    await handleMessage(deps, { type: "trigger", triggerId: notifications[0]?.id ?? "" });
    expect(await received(ops.channel)).toHaveLength(2);
  });
});

describe("integration_key.expiring", () => {
  it("the sweeper announces each key entering the week before its expiry, once", async () => {
    const world = await createWorldAnswering([]);
    const ops = await createOperationalWebhook(world.key);
    const integration = world.integration.id;
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    const soon = await createIntegrationKey(world.key, integration, { expires_at: inDays(3) });
    const later = await createIntegrationKey(world.key, integration, { expires_at: inDays(30) });
    const forever = await createIntegrationKey(world.key, integration);
    const revoked = await createIntegrationKey(world.key, integration, { expires_at: inDays(2) });
    await api("DELETE", `/v1/integrations/${integration}/keys/${revoked.id}`, { key: world.key });
    // A rotation: the old key's end (the grace period) is not news; the new key keeps its end.
    const rotating = await createIntegrationKey(world.key, integration, { expires_at: inDays(5) });
    const rotated = await api(
      "POST",
      `/v1/integrations/${integration}/keys/${rotating.id}/rotate`,
      { key: world.key, body: { grace_seconds: 3600 } },
    );
    const successor = rotated.body.data;

    const run = recordingDeps();
    const result = await sweep(run.deps);
    expect(result.expiringKeys).toBe(2);
    const announced = (sent: SentMessage[]) =>
      sent.flatMap(({ body }) =>
        body.type === "trigger" && body.triggerId.startsWith("ntf_expiring_")
          ? [body.triggerId]
          : [],
      );
    expect(announced(run.sent).sort()).toEqual(
      [`ntf_expiring_${soon.id}`, `ntf_expiring_${successor.id}`].sort(),
    );
    for (const key of [later, forever, revoked, rotating]) {
      expect(await notificationsAbout(key.id)).toEqual([]);
    }
    // The next minutes announce nothing again.
    const again = recordingDeps();
    expect((await sweep(again.deps)).expiringKeys).toBe(0);
    expect(announced(again.sent)).toEqual([]);
    expect(await notificationsAbout(soon.id)).toHaveLength(1);

    for (const id of announced(run.sent)) {
      await handleMessage(run.deps, { type: "trigger", triggerId: id });
    }
    const got = await received(ops.channel);
    expect(got).toHaveLength(2);
    for (const request of got) expectSigned(request, ops.secret);
    const bodies = got.map((r) => parse(r.body));
    const ofSoon = bodies.find((b) => b.id === `ntf_expiring_${soon.id}`);
    expect(ofSoon).toEqual({
      id: `ntf_expiring_${soon.id}`,
      type: "integration_key.expiring",
      timestamp: expect.any(String),
      data: {
        key: {
          id: soon.id,
          prefix: soon.prefix,
          expires_at: soon.expires_at,
          scopes: ["events:read", "attendees:read"],
        },
        integration: { id: integration, name: world.integration.name },
      },
    });
    expect(got.find((r) => r.headers["x-weft-entity-uid"] === successor.id)).toBeDefined();
  });
});

describe("an operational endpoint's own failures", () => {
  it("are retried and logged, and never notify about the endpoint itself", async () => {
    const world = await createWorldAnswering([{ status: 410 }]);
    const ops = await createOperationalWebhook(world.key);
    await script(ops.channel, [{ status: 500, body: "down" }, { status: 410 }]);
    const { deps, sent } = recordingDeps({ random: () => 0.5 });

    await registerAndAttempt(world, deps);
    const [disabled] = await notificationsAbout(world.hook.id);
    if (!disabled) throw new Error("no webhook.disabled recorded");
    // Queued by the record that wrote it (the sweeper re-sends it if that send is lost).
    expect(sent.map(({ body }) => body)).toContainEqual({
      type: "trigger",
      triggerId: disabled.id,
    });
    await handleMessage(deps, { type: "trigger", triggerId: disabled.id });

    // Failed once: pending, its retry queued after the schedule's first step, the attempt logged.
    const [delivery] = await deliveriesOf(disabled.id);
    if (!delivery) throw new Error("no delivery to the operational endpoint");
    expect(delivery).toMatchObject({ webhookId: ops.id, status: "pending", attemptCount: 1 });
    expect(sent).toContainEqual({
      body: { type: "deliver", deliveryId: delivery.id },
      delaySeconds: 5,
    });
    expect((await webhookRow(ops.id))?.failingSince).not.toBeNull();

    // The retry: 410 disables the endpoint, like any webhook.
    await dueNow(delivery.id);
    await handleMessage(deps, { type: "deliver", deliveryId: delivery.id });
    expect(await webhookRow(ops.id)).toMatchObject({ enabled: false, disabledReason: "gone" });
    const log = await api("GET", `/v1/deliveries/${delivery.id}`, { key: world.key });
    expect(log.body.data).toMatchObject({ status: "failed", attempt_count: 2 });
    expect(log.body.data.attempts.map((a) => [a.status_code, a.response_excerpt])).toEqual([
      [500, "down"],
      [410, "ok"],
    ]);
    const got = await received(ops.channel);
    expect(got.map((r) => r.headers["webhook-id"])).toEqual([delivery.id, delivery.id]);

    // Its delivery log, as the API lists it.
    const list = await api("GET", `/v1/account/operational-webhooks/${ops.id}/deliveries`, {
      key: world.key,
    });
    expect(list.body.data).toEqual([
      expect.objectContaining({
        id: delivery.id,
        webhook_id: ops.id,
        integration_id: null,
        trigger: "webhook.disabled",
        entity_uid: world.hook.id,
        status: "failed",
        attempt_count: 2,
      }),
    ]);
    expect(list.body.meta).toEqual({ page: 1, page_size: 50, total: 1, last_page: 1 });
    const pending = await api(
      "GET",
      `/v1/account/operational-webhooks/${ops.id}/deliveries?status=pending`,
      { key: world.key },
    );
    expect(pending.body.data).toEqual([]);

    // Neither its failing nor its disabling is a notification.
    expect(await notificationsAbout(ops.id)).toEqual([]);
  });
});
