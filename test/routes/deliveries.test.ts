import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, webhooks } from "../../src/db/schema";
import { handleMessage } from "../../src/delivery/consumer";
import { expectSigned } from "../delivery/helpers";
import {
  channelUrl,
  db,
  deliveriesOfTrigger,
  findDeliveryRow,
  newChannel,
  received,
  script,
  seedAttendee,
  seedEvent,
  seedTrigger,
  seedWebhook,
  seedWorld,
  testDeps,
  type World,
  waitFor,
} from "../delivery/seed";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import type { ScriptedResponse } from "../receiver/server";

/** A webhook to a fresh channel and one guest.create fanned out and attempted once. */
async function deliveredOnce(world: World, steps: ScriptedResponse[] = [{ status: 200 }]) {
  const channel = newChannel();
  await script(channel, steps);
  // Its own event, so no other webhook of the world fires for this trigger.
  const event = await seedEvent(world);
  const hook = await seedWebhook(world, { url: channelUrl(channel), eventUids: [event.id] });
  const attendee = await seedAttendee(world, event.id);
  const triggerId = await seedTrigger(world, {
    trigger: "guest.create",
    snapshot: { uid: attendee.id },
    entityUid: attendee.id,
    eventId: event.id,
  });
  await handleMessage(testDeps().deps, { type: "trigger", triggerId });
  const [delivery, extra] = await deliveriesOfTrigger(triggerId);
  if (!delivery || extra) throw new Error("expected exactly one delivery");
  return { channel, hook, delivery, attendee, event };
}

async function markFailed(id: string) {
  await db
    .update(deliveries)
    .set({ status: "failed", nextAttemptAt: null })
    .where(eq(deliveries.id, id));
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
    const world = await seedWorld();
    const ok = await deliveredOnce(world);
    const bad = await deliveredOnce(world, [{ status: 500 }]);
    const base = `/v1/integrations/${world.integration.id}/deliveries`;

    const all = await api("GET", base, { key: world.key });
    expect(all.status).toBe(200);
    expect(all.body.data.map((d: { id: string }) => d.id)).toEqual([
      ok.delivery.id,
      bad.delivery.id,
    ]);
    expect(Object.keys(all.body.data[0]).sort()).toEqual(DELIVERY_KEYS);
    expect(all.body.data[0]).toMatchObject({
      webhook_id: ok.hook.id,
      integration_id: world.integration.id,
      trigger: "guest.create",
      event_uid: ok.event.id,
      entity_uid: ok.attendee.id,
      status: "delivered",
      attempt_count: 1,
      next_attempt_at: null,
    });
    expect(all.body.meta).toEqual({ page: 1, page_size: 50, total: 2, last_page: 1 });

    const pending = await api("GET", `${base}?status=pending`, { key: world.key });
    expect(pending.body.data.map((d: { id: string }) => d.id)).toEqual([bad.delivery.id]);
    expect(pending.body.data[0].next_attempt_at).toEqual(expect.any(String));
    const byHook = await api("GET", `${base}?webhook_id=${ok.hook.id}`, { key: world.key });
    expect(byHook.body.data.map((d: { id: string }) => d.id)).toEqual([ok.delivery.id]);
    const byTrigger = await api("GET", `${base}?trigger=guest.update`, { key: world.key });
    expect(byTrigger.body.data).toEqual([]);
    const future = await api("GET", `${base}?since=2999-01-01T00:00:00Z`, { key: world.key });
    expect(future.body.meta.total).toBe(0);
    const page2 = await api("GET", `${base}?page=2&page_size=1`, { key: world.key });
    expect(page2.body.data.map((d: { id: string }) => d.id)).toEqual([bad.delivery.id]);
    expect(page2.body.meta).toEqual({ page: 2, page_size: 1, total: 2, last_page: 2 });
  });

  it("refuses bad filters naming the field, and an unknown integration", async () => {
    const world = await seedWorld();
    const base = `/v1/integrations/${world.integration.id}/deliveries`;
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
    const world = await seedWorld({ owner });
    const { delivery } = await deliveredOnce(world);
    return {
      method: "GET",
      path: `/v1/integrations/${world.integration.id}/deliveries`,
      secrets: [delivery.id],
    };
  },
});

describe("GET /v1/deliveries/{id}", () => {
  it("shows the delivery with every attempt", async () => {
    const world = await seedWorld();
    const { delivery } = await deliveredOnce(world, [
      { status: 500, body: "down for maintenance" },
    ]);
    const response = await api("GET", `/v1/deliveries/${delivery.id}`, { key: world.key });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.data).sort()).toEqual([...DELIVERY_KEYS, "attempts"].sort());
    expect(response.body.data.status).toBe("pending");
    expect(response.body.data.attempts).toEqual([
      {
        attempt: 1,
        started_at: expect.any(String),
        duration_ms: expect.any(Number),
        status_code: 500,
        error: "HTTP 500",
        response_excerpt: "down for maintenance",
      },
    ]);
  });

  it("404s an unknown delivery", async () => {
    const world = await seedWorld();
    expectError(await api("GET", "/v1/deliveries/dlv_nope", { key: world.key }), 404, "NOT_FOUND");
  });
});

describeAuth("GET /v1/deliveries/{id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await seedWorld({ owner });
    const { delivery } = await deliveredOnce(world);
    return {
      method: "GET",
      path: `/v1/deliveries/${delivery.id}`,
      secrets: [delivery.id, world.integration.id],
    };
  },
});

describe("POST /v1/deliveries/{id}/redeliver", () => {
  it("sends a delivered delivery again with the same webhook-id, through the queue", async () => {
    const world = await seedWorld();
    const { delivery, channel, hook } = await deliveredOnce(world);
    const response = await api("POST", `/v1/deliveries/${delivery.id}/redeliver`, {
      key: world.key,
    });
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({
      id: delivery.id,
      status: "pending",
      attempt_count: 1,
    });
    const got = await waitFor(
      async () => {
        const list = await received(channel);
        return list.length === 2 ? list : undefined;
      },
      15_000,
      "the redelivery",
    );
    expect(got[1]?.headers["webhook-id"]).toBe(delivery.id);
    expect(got[1]?.headers["x-weft-attempt"]).toBe("2");
    expect(got[1]?.body).toBe(got[0]?.body);
    expectSigned(got[1] as (typeof got)[number], hook.secret);
    await waitFor(async () => {
      const row = await findDeliveryRow(delivery.id);
      return row?.status === "delivered" ? row : undefined;
    });
  });

  it("409s a pending delivery and one whose webhook is disabled; 404s an unknown one", async () => {
    const world = await seedWorld();
    const pending = await deliveredOnce(world, [{ status: 500 }]);
    expectError(
      await api("POST", `/v1/deliveries/${pending.delivery.id}/redeliver`, { key: world.key }),
      409,
      "CONFLICT",
    );
    const done = await deliveredOnce(world);
    await db
      .update(webhooks)
      .set({ enabled: false, disabledReason: "gone" })
      .where(eq(webhooks.id, done.hook.id));
    const error = expectError(
      await api("POST", `/v1/deliveries/${done.delivery.id}/redeliver`, { key: world.key }),
      409,
      "CONFLICT",
    );
    expect(error.message).toMatch(/disabled \(gone\)/);
    expectError(
      await api("POST", "/v1/deliveries/dlv_nope/redeliver", { key: world.key }),
      404,
      "NOT_FOUND",
    );
  });
});

describeAuth("POST /v1/deliveries/{id}/redeliver", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await seedWorld({ owner });
    const { delivery } = await deliveredOnce(world);
    return {
      method: "POST",
      path: `/v1/deliveries/${delivery.id}/redeliver`,
      secrets: [delivery.id],
    };
  },
});

describe("POST /v1/integrations/{id}/webhooks/{webhook_id}/recover", () => {
  it("redelivers every failed delivery since the given time", async () => {
    const world = await seedWorld();
    const channel = newChannel();
    const hook = await seedWebhook(world, { url: channelUrl(channel) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const attendee = await seedAttendee(world);
      const triggerId = await seedTrigger(world, {
        trigger: "guest.create",
        snapshot: { uid: attendee.id },
        entityUid: attendee.id,
      });
      await handleMessage(testDeps().deps, { type: "trigger", triggerId });
      const [row] = await deliveriesOfTrigger(triggerId);
      ids.push(row?.id ?? "");
    }
    await markFailed(ids[0] ?? "");
    await markFailed(ids[2] ?? "");
    const path = `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/recover`;
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
    expect((await findDeliveryRow(ids[0] ?? ""))?.status).toBe("pending");
    expect((await findDeliveryRow(ids[1] ?? ""))?.status).toBe("delivered");
    await waitFor(
      async () => {
        const rows = await Promise.all(ids.map((id) => findDeliveryRow(id)));
        return rows.every((row) => row?.status === "delivered") ? rows : undefined;
      },
      15_000,
      "recovered deliveries",
    );
    expect(await received(channel)).toHaveLength(5);
  });

  it("refuses a bad body, an unknown webhook, and a disabled one", async () => {
    const world = await seedWorld();
    const hook = await seedWebhook(world);
    const path = `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/recover`;
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
    await db
      .update(webhooks)
      .set({ enabled: false, disabledReason: "failing" })
      .where(eq(webhooks.id, hook.id));
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
    const world = await seedWorld({ owner });
    const hook = await seedWebhook(world);
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
    const world = await seedWorld();
    const channel = newChannel();
    await script(channel, [{ status: 202, body: "thanks" }]);
    const hook = await seedWebhook(world, {
      url: channelUrl(channel),
      trigger: "event.update",
      headers: { "x-crm-token": "t0k3n" },
    });
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
    const [request] = await received(channel);
    if (!request) throw new Error("nothing received");
    expectSigned(request, hook.secret);
    expect(request.headers).toMatchObject({
      "webhook-id": response.body.data.message_id,
      "x-weft-trigger": "event.update",
      "x-crm-token": "t0k3n",
      "user-agent": "Weft-Webhooks/1",
    });
    expect(JSON.parse(request.body)).toMatchObject({ name: "Sample event", status: "Registering" });
    const stored = await db.select().from(deliveries).where(eq(deliveries.webhookId, hook.id));
    expect(stored).toEqual([]);
  });

  it("answers a receiver failure as success false, without touching the webhook", async () => {
    const world = await seedWorld();
    const channel = newChannel();
    await script(channel, [{ status: 410, body: "gone" }]);
    const hook = await seedWebhook(world, { url: channelUrl(channel) });
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
    const row = await db.select().from(webhooks).where(eq(webhooks.id, hook.id)).get();
    expect(row).toMatchObject({ enabled: true, failingSince: null });
  });

  it("404s an unknown webhook or integration", async () => {
    const world = await seedWorld();
    const hook = await seedWebhook(world);
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
    const world = await seedWorld({ owner });
    const hook = await seedWebhook(world);
    return {
      method: "POST",
      path: `/v1/integrations/${world.integration.id}/webhooks/${hook.id}/test`,
      secrets: [hook.id],
    };
  },
});

describe("OpenAPI document", () => {
  it("documents every delivery, test and manual action route with a summary and examples", async () => {
    const doc = (await api("GET", "/openapi.json")).body;
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
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.responses[String(status)]).toBeDefined();
      expect(operation.responses["404"]).toBeDefined();
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
