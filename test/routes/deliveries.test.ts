import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type Account,
  createAttendee,
  createEvent,
  createReceiverWebhook,
  createWorld,
} from "../factories";
import { api, expectError, request } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { expectSigned, received, receivedAtLeast, script, waitFor } from "../helpers/receiver";
import type { ScriptedResponse } from "../receiver/server";

/** An account whose profile has an active integration, and an event of that profile. */
async function deliveryWorld(owner?: Account) {
  const world = await createWorld({ owner, integration: { name: "CRM sync" } });
  if (!world.integration) throw new Error("createWorld made no integration");
  return { ...world, integration: world.integration };
}
type World = Awaited<ReturnType<typeof deliveryWorld>>;

/** A webhook of the world's integration, on a fresh receiver channel. */
const addWebhook = (world: World, body: Parameters<typeof createReceiverWebhook>[2] = {}) =>
  createReceiverWebhook(world.key, world.integration.id, body);

/** A receiver down for maintenance that asks to be retried in an hour: no retry during a test. */
const DOWN: ScriptedResponse = {
  status: 503,
  headers: { "retry-after": "3600" },
  body: "down for maintenance",
};

/**
 * A guest.create webhook of the world on a fresh channel answering `steps`, for a new event of
 * its own (so no other webhook of the world fires with it).
 */
async function ownWebhook(world: World, steps: ScriptedResponse[]) {
  const event = await createEvent(world.key, world.profile.uid);
  const hook = await addWebhook(world, { event_uids: [event.uid] });
  await script(hook.channel, steps);
  return { hook, event };
}

/**
 * The one delivery of `entityUid` to the webhook, once its channel has had `requests` requests
 * and the delivery log shows the attempt (recorded just after the receiver answered).
 */
async function attempted(
  world: World,
  hook: { id: string; channel: string },
  entityUid: string,
  requests = 1,
) {
  await receivedAtLeast(hook.channel, requests, 15_000);
  return waitFor(
    async () => {
      const log = await api(
        "GET",
        `/v1/integrations/${world.integration.id}/deliveries?webhook_id=${hook.id}`,
        { key: world.key },
      );
      const mine = log.body.data.filter((delivery) => delivery.entity_uid === entityUid);
      if (mine.length > 1) throw new Error(`expected one delivery of ${entityUid}`);
      return mine[0]?.attempt_count ? mine[0] : undefined;
    },
    10_000,
    `the attempt of ${entityUid} in the delivery log`,
  );
}

/**
 * A new guest of its own event, delivered through the TRIGGERS queue to a webhook answering
 * `steps`, and attempted once.
 */
async function deliveredOnce(world: World, steps: ScriptedResponse[] = [{ status: 200 }]) {
  const { hook, event } = await ownWebhook(world, steps);
  const attendee = await createAttendee(world.key, event.uid);
  const delivery = await attempted(world, hook, attendee.uid);
  return { hook, event, attendee, delivery };
}

/**
 * A delivery made by pressing a manual action: answered at once, attempted through the queue
 * after (for tests that need a delivery, not its attempt).
 */
async function manualDelivery(world: World) {
  const hook = await addWebhook(world, { trigger: "event.manual" });
  const fired = await api("POST", `/v1/events/${world.event.uid}/actions/${hook.id}`, {
    key: world.key,
  });
  expect(fired.status).toBe(202);
  return fired.body.data;
}

const DELIVERY_KEYS = [
  "attempt_count",
  "created_at",
  "entity_uid",
  "event_uid",
  "id",
  "integration_id",
  "next_attempt_at",
  "status",
  "trigger",
  "updated_at",
  "webhook_id",
];

describe("GET /v1/integrations/{id}/deliveries", () => {
  it("lists deliveries oldest first with filters and pagination", async () => {
    const world = await deliveryWorld();
    const ok = await deliveredOnce(world);
    const bad = await deliveredOnce(world, [DOWN]);
    const base = `/v1/integrations/${world.integration.id}/deliveries` as const;

    const all = await api("GET", base, { key: world.key });
    expect(all.status).toBe(200);
    expect(all.body.data.map((d) => d.id)).toEqual([ok.delivery.id, bad.delivery.id]);
    expect(Object.keys(all.body.data[0]).sort()).toEqual(DELIVERY_KEYS);
    expect(all.body.data[0]).toMatchObject({
      webhook_id: ok.hook.id,
      integration_id: world.integration.id,
      trigger: "guest.create",
      event_uid: ok.event.uid,
      entity_uid: ok.attendee.uid,
      status: "delivered",
      attempt_count: 1,
      next_attempt_at: null,
    });
    expect(all.body.meta).toEqual({ page: 1, page_size: 50, total: 2, last_page: 1 });

    const pending = await api("GET", `${base}?status=pending`, { key: world.key });
    expect(pending.body.data.map((d) => d.id)).toEqual([bad.delivery.id]);
    expect(pending.body.data[0].next_attempt_at).toEqual(expect.any(String));
    const byHook = await api("GET", `${base}?webhook_id=${ok.hook.id}`, { key: world.key });
    expect(byHook.body.data.map((d) => d.id)).toEqual([ok.delivery.id]);
    const byTrigger = await api("GET", `${base}?trigger=guest.update`, { key: world.key });
    expect(byTrigger.body.data).toEqual([]);
    const future = await api("GET", `${base}?since=2999-01-01T00:00:00Z`, { key: world.key });
    expect(future.body.meta.total).toBe(0);
    const page2 = await api("GET", `${base}?page=2&page_size=1`, { key: world.key });
    expect(page2.body.data.map((d) => d.id)).toEqual([bad.delivery.id]);
    expect(page2.body.meta).toEqual({ page: 2, page_size: 1, total: 2, last_page: 2 });
  });

  it("refuses bad filters naming the field, and an unknown integration", async () => {
    const world = await deliveryWorld();
    const base = `/v1/integrations/${world.integration.id}/deliveries` as const;
    for (const [query, path] of [
      ["status=lost", "status"],
      ["trigger=guest.explode", "trigger"],
      ["since=yesterday", "since"],
      ["page_size=0", "page_size"],
    ]) {
      const error = expectError(
        await api("GET", `${base}?${query}`, { key: world.key }),
        400,
        "VALIDATION_FAILED",
      );
      expect(error.details.map((d) => d.path)).toContain(path);
    }
    expectError(
      await api("GET", "/v1/integrations/int_nope/deliveries", { key: world.key }),
      404,
      "NOT_FOUND",
    );
  });
});

describeAuth("GET /v1/integrations/{id}/deliveries", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await deliveryWorld(owner);
    const delivery = await manualDelivery(world);
    return {
      method: "GET",
      path: `/v1/integrations/${world.integration.id}/deliveries`,
      secrets: [delivery.id],
    };
  },
});

describe("GET /v1/deliveries/{id}", () => {
  it("shows the delivery with every attempt", async () => {
    const world = await deliveryWorld();
    const { delivery } = await deliveredOnce(world, [DOWN]);
    const response = await api("GET", `/v1/deliveries/${delivery.id}`, { key: world.key });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.data).sort()).toEqual([...DELIVERY_KEYS, "attempts"].sort());
    expect(response.body.data.status).toBe("pending");
    expect(response.body.data.attempts).toEqual([
      {
        attempt: 1,
        started_at: expect.any(String),
        duration_ms: expect.any(Number),
        status_code: 503,
        error: "HTTP 503",
        response_excerpt: "down for maintenance",
      },
    ]);
  });

  it("404s an unknown delivery", async () => {
    const world = await deliveryWorld();
    expectError(await api("GET", "/v1/deliveries/dlv_nope", { key: world.key }), 404, "NOT_FOUND");
  });
});

describeAuth("GET /v1/deliveries/{id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await deliveryWorld(owner);
    const delivery = await manualDelivery(world);
    return {
      method: "GET",
      path: `/v1/deliveries/${delivery.id}`,
      secrets: [delivery.id, world.integration.id],
    };
  },
});

describe("POST /v1/deliveries/{id}/redeliver", () => {
  it("sends a delivered delivery again with the same webhook-id, through the queue", async () => {
    const world = await deliveryWorld();
    const { delivery, hook } = await deliveredOnce(world);
    expect(delivery.status).toBe("delivered");
    const response = await api("POST", `/v1/deliveries/${delivery.id}/redeliver`, {
      key: world.key,
    });
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({
      id: delivery.id,
      status: "pending",
      attempt_count: 1,
    });
    const got = await receivedAtLeast(hook.channel, 2, 15_000);
    expect(got).toHaveLength(2);
    expect(got[1]?.headers["webhook-id"]).toBe(delivery.id);
    expect(got[1]?.headers["x-weft-attempt"]).toBe("2");
    expect(got[1]?.body).toBe(got[0]?.body);
    expectSigned(got[1] as (typeof got)[number], hook.secret);
    await waitFor(async () => {
      const shown = await api("GET", `/v1/deliveries/${delivery.id}`, { key: world.key });
      return shown.body.data.status === "delivered" ? shown : undefined;
    });
    expect(await storedDelivery(delivery.id)).toMatchObject({
      status: "delivered",
      attempt_count: 2,
      locked_until: null,
      attempts: 2,
    });
  });

  it("409s a pending delivery and one whose webhook is disabled; 404s an unknown one", async () => {
    const world = await deliveryWorld();
    const pending = await deliveredOnce(world, [DOWN]);
    expect(pending.delivery.status).toBe("pending");
    expectError(
      await api("POST", `/v1/deliveries/${pending.delivery.id}/redeliver`, { key: world.key }),
      409,
      "CONFLICT",
    );
    // Delivered, then its receiver answers the next guest 410 Gone, which disables the webhook.
    const done = await deliveredOnce(world, [{ status: 200 }, { status: 410 }]);
    const next = await createAttendee(world.key, done.event.uid);
    expect((await attempted(world, done.hook, next.uid, 2)).status).toBe("failed");
    const before = await storedDelivery(done.delivery.id);
    expect(before).toMatchObject({ status: "delivered", attempts: 1 });
    const error = expectError(
      await api("POST", `/v1/deliveries/${done.delivery.id}/redeliver`, { key: world.key }),
      409,
      "CONFLICT",
    );
    expect(error.message).toMatch(/disabled \(gone\)/);
    // The write that went beside the webhook's read is undone: the refusal changed nothing.
    expect(await storedDelivery(done.delivery.id)).toEqual(before);
    expectError(
      await api("POST", "/v1/deliveries/dlv_nope/redeliver", { key: world.key }),
      404,
      "NOT_FOUND",
    );
  });

  it("409s a delivery whose webhook was deleted, and leaves it as it was", async () => {
    const world = await deliveryWorld();
    const { delivery, hook } = await deliveredOnce(world);
    const before = await storedDelivery(delivery.id);
    expect(before).toMatchObject({ status: "delivered", attempts: 1 });
    const deleted = await api(
      "DELETE",
      `/v1/integrations/${world.integration.id}/webhooks/${hook.id}`,
      { key: world.key },
    );
    expect(deleted.status).toBe(204);
    const error = expectError(
      await api("POST", `/v1/deliveries/${delivery.id}/redeliver`, { key: world.key }),
      409,
      "CONFLICT",
    );
    expect(error.message).toBe("The delivery's webhook was deleted.");
    expect(await storedDelivery(delivery.id)).toEqual(before);
    expect(await received(hook.channel)).toHaveLength(1);
  });
});

/** A delivery's row in the delivery log, with its number of attempt rows. */
async function storedDelivery(id: string) {
  return env.DELIVERIES_DB.prepare(
    `SELECT status, attempt_count, next_attempt_at, locked_until, updated_at,
       (SELECT count(*) FROM delivery_attempts WHERE delivery_id = deliveries.id) AS attempts
     FROM deliveries WHERE id = ?`,
  )
    .bind(id)
    .first();
}

describeAuth("POST /v1/deliveries/{id}/redeliver", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await deliveryWorld(owner);
    const delivery = await manualDelivery(world);
    return {
      method: "POST",
      path: `/v1/deliveries/${delivery.id}/redeliver`,
      secrets: [delivery.id],
    };
  },
});

describe("POST /v1/integrations/{id}/webhooks/{webhook_id}/recover", () => {
  // Several failed deliveries end to end: about 5 s on a loaded machine, the default limit.
  it("redelivers every failed delivery since the given time", { timeout: 30_000 }, async () => {
    const world = await deliveryWorld();
    // 410 Gone fails a delivery at once and disables its webhook, enabled again after each guest.
    const { hook, event } = await ownWebhook(world, [
      { status: 410 },
      { status: 200 },
      { status: 410 },
      { status: 200 },
    ]);
    const hookPath = `/v1/integrations/${world.integration.id}/webhooks/${hook.id}` as const;
    const deliveries = [];
    for (let i = 0; i < 3; i++) {
      const attendee = await createAttendee(world.key, event.uid);
      deliveries.push(await attempted(world, hook, attendee.uid, i + 1));
      const enabled = await api("PATCH", hookPath, { key: world.key, body: { enabled: true } });
      expect(enabled.body.data.enabled).toBe(true);
    }
    expect(deliveries.map((d) => d.status)).toEqual(["failed", "delivered", "failed"]);
    const ids = deliveries.map((d) => d.id);
    const path = `${hookPath}/recover` as const;
    const none = await api("POST", path, {
      key: world.key,
      body: { since: "2999-01-01T00:00:00Z" },
    });
    expect(none.status).toBe(202);
    expect(none.body.data).toEqual({ count: 0, delivery_ids: [] });

    const response = await api("POST", path, {
      key: world.key,
      body: { since: "2020-01-01T00:00:00Z" },
    });
    expect(response.status).toBe(202);
    expect(response.body.data).toEqual({ count: 2, delivery_ids: [ids[0], ids[2]] });
    const statusOf = async (id: string) =>
      (await api("GET", `/v1/deliveries/${id}`, { key: world.key })).body.data.status;
    expect(await statusOf(ids[0])).toBe("pending");
    expect(await statusOf(ids[1])).toBe("delivered");
    await receivedAtLeast(hook.channel, 5, 15_000);
    await waitFor(
      async () => {
        const statuses = await Promise.all(ids.map(statusOf));
        return statuses.every((status) => status === "delivered") ? statuses : undefined;
      },
      15_000,
      "recovered deliveries",
    );
    expect(await received(hook.channel)).toHaveLength(5);
  });

  it("refuses a bad body, an unknown webhook, and a disabled one", async () => {
    const world = await deliveryWorld();
    const hook = await addWebhook(world);
    const hookPath = `/v1/integrations/${world.integration.id}/webhooks/${hook.id}` as const;
    const path = `${hookPath}/recover` as const;
    const missing = expectError(
      await api("POST", path, { key: world.key, body: {} }),
      400,
      "VALIDATION_FAILED",
    );
    expect(missing.details[0]?.path).toBe("since");
    expectError(
      await api("POST", path, { key: world.key, body: { since: "last week" } }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await api("POST", path, {
        key: world.key,
        body: { since: "2020-01-01T00:00:00Z", extra: 1 },
      }),
      400,
      "VALIDATION_FAILED",
    );
    expectError(
      await api("POST", `/v1/integrations/${world.integration.id}/webhooks/whk_nope/recover`, {
        key: world.key,
        body: { since: "2020-01-01T00:00:00Z" },
      }),
      404,
      "NOT_FOUND",
    );
    const disabled = await api("PATCH", hookPath, { key: world.key, body: { enabled: false } });
    expect(disabled.body.data.enabled).toBe(false);
    expectError(
      await api("POST", path, { key: world.key, body: { since: "2020-01-01T00:00:00Z" } }),
      409,
      "CONFLICT",
    );
  });
});

describeAuth("POST /v1/integrations/{id}/webhooks/{webhook_id}/recover", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await deliveryWorld(owner);
    const hook = await addWebhook(world);
    return {
      method: "POST",
      path: `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/recover`,
      body: { since: "2020-01-01T00:00:00Z" },
      secrets: [hook.id],
    };
  },
});

describe("POST /v1/integrations/{id}/webhooks/{webhook_id}/test", () => {
  it("sends a signed sample now and answers the attempt, storing nothing", async () => {
    const world = await deliveryWorld();
    const hook = await addWebhook(world, {
      trigger: "event.update",
      headers: { "x-crm-token": "t0k3n" },
    });
    await script(hook.channel, [{ status: 202, body: "thanks" }]);
    const response = await api(
      "POST",
      `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/test`,
      { key: world.key },
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      webhook_id: hook.id,
      message_id: expect.stringMatching(/^dlv_/),
      success: true,
      started_at: expect.any(String),
      duration_ms: expect.any(Number),
      status_code: 202,
      error: null,
      response_excerpt: "thanks",
    });
    const [request] = await received(hook.channel);
    if (!request) throw new Error("nothing received");
    expectSigned(request, hook.secret);
    expect(request.headers).toMatchObject({
      "webhook-id": response.body.data.message_id,
      "x-weft-trigger": "event.update",
      "x-crm-token": "t0k3n",
      "user-agent": "Weft-Webhooks/1",
    });
    expect(JSON.parse(request.body)).toMatchObject({ name: "Sample event", status: "Registering" });
    const stored = await env.DB.prepare("SELECT id FROM deliveries WHERE webhook_id = ?")
      .bind(hook.id)
      .all();
    expect(stored.results).toEqual([]);
  });

  it("answers a receiver failure as success false, without touching the webhook", async () => {
    const world = await deliveryWorld();
    const hook = await addWebhook(world);
    await script(hook.channel, [{ status: 410, body: "gone" }]);
    const response = await api(
      "POST",
      `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/test`,
      { key: world.key },
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      success: false,
      status_code: 410,
      error: "HTTP 410",
    });
    const row = await env.DB.prepare(
      "SELECT enabled, disabled_reason, failing_since FROM webhooks WHERE id = ?",
    )
      .bind(hook.id)
      .first();
    expect(row).toEqual({ enabled: 1, disabled_reason: null, failing_since: null });
  });

  it("404s an unknown webhook or integration", async () => {
    const world = await deliveryWorld();
    const hook = await addWebhook(world);
    expectError(
      await api("POST", `/v1/integrations/${world.integration.id}/webhooks/whk_nope/test`, {
        key: world.key,
      }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await api("POST", `/v1/integrations/int_nope/webhooks/${hook.id}/test`, { key: world.key }),
      404,
      "NOT_FOUND",
    );
  });
});

describeAuth("POST /v1/integrations/{id}/webhooks/{webhook_id}/test", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await deliveryWorld(owner);
    const hook = await addWebhook(world);
    return {
      method: "POST",
      path: `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/test`,
      secrets: [hook.id],
    };
  },
});

/** The parts of the served OpenAPI document this test reads. */
type OpenApiDocument = {
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, { example?: unknown }> };
};

describe("OpenAPI document", () => {
  it("documents every delivery, test and manual action route with a summary and examples", async () => {
    // The document is not an operation of itself, so it is read untyped.
    const doc = (await request("GET", "/openapi.json")).body as OpenApiDocument;
    const routes: Array<[string, string, number]> = [
      ["get", "/v1/integrations/{id}/deliveries", 200],
      ["get", "/v1/deliveries/{id}", 200],
      ["post", "/v1/deliveries/{id}/redeliver", 202],
      ["post", "/v1/integrations/{id}/webhooks/{webhook_id}/recover", 202],
      ["post", "/v1/integrations/{id}/webhooks/{webhook_id}/test", 200],
      ["get", "/v1/events/{uid}/actions", 200],
      ["get", "/v1/attendees/{uid}/actions", 200],
      ["post", "/v1/events/{uid}/actions/{webhook_id}", 202],
      ["post", "/v1/attendees/{uid}/actions/{webhook_id}", 202],
    ];
    for (const [method, path, status] of routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation?.summary).toEqual(expect.any(String));
      expect(operation?.responses[String(status)]).toBeDefined();
      expect(operation?.responses["404"]).toBeDefined();
    }
    for (const name of [
      "Delivery",
      "DeliveryAttempt",
      "DeliveryWithAttempts",
      "ManualAction",
      "WebhookTestResult",
    ]) {
      expect(doc.components.schemas[name]?.example, name).toBeDefined();
    }
  });
});
