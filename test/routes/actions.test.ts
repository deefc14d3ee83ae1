import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type Account,
  createAttendee,
  createEvent,
  createReceiverWebhook,
  createWorld,
  type WorldOptions,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { expectSigned, receivedAtLeast } from "../helpers/receiver";
import { triggerRow, triggersOf } from "../helpers/stored";

/**
 * An account whose profile has an integration (active unless `active: false`) and an event;
 * webhooks are added with `addWebhook` once the events they name exist.
 */
async function actionWorld(
  options: { owner?: Account } & NonNullable<WorldOptions["integration"]> = {},
) {
  const { owner, ...integration } = options;
  const world = await createWorld({ owner, integration: { name: "CRM sync", ...integration } });
  if (!world.integration) throw new Error("createWorld made no integration");
  return { ...world, integration: world.integration };
}
type World = Awaited<ReturnType<typeof actionWorld>>;

/** A webhook of the world's integration, on a fresh receiver channel. */
const addWebhook = (world: World, body: Parameters<typeof createReceiverWebhook>[2]) =>
  createReceiverWebhook(world.key, world.integration.id, body);

describe("GET /v1/events/{uid}/actions and /v1/attendees/{uid}/actions", () => {
  it("lists the enabled manual webhooks that apply, labelled by name", async () => {
    const world = await actionWorld();
    const other = await createEvent(world.key, world.profile.uid);
    const badge = await addWebhook(world, { trigger: "guest.manual", name: "Send badge" });
    const vip = await addWebhook(world, {
      trigger: "guest.manual",
      name: "Mark VIP",
      method: "PUT",
      event_uids: [world.event.uid],
    });
    await addWebhook(world, {
      trigger: "guest.manual",
      name: "Elsewhere",
      event_uids: [other.uid],
    });
    await addWebhook(world, { trigger: "guest.manual", name: "Off", enabled: false });
    await addWebhook(world, { trigger: "guest.create", name: "Automatic" });
    const sync = await addWebhook(world, {
      trigger: "event.manual",
      name: "Sync event",
      method: "GET",
    });
    const attendee = await createAttendee(world.key, world.event.uid);

    const guestActions = await api("GET", `/v1/attendees/${attendee.uid}/actions`, {
      key: world.key,
    });
    expect(guestActions.status).toBe(200);
    expect(guestActions.body.data).toEqual([
      { webhook_id: badge.id, name: "Send badge", method: "POST" },
      { webhook_id: vip.id, name: "Mark VIP", method: "PUT" },
    ]);
    const eventActions = await api("GET", `/v1/events/${world.event.uid}/actions`, {
      key: world.key,
    });
    expect(eventActions.body.data).toEqual([
      { webhook_id: sync.id, name: "Sync event", method: "GET" },
    ]);
  });

  it("lists nothing when no integration applies, and 404s unknown uids", async () => {
    const world = await actionWorld({ active: false });
    await addWebhook(world, { trigger: "event.manual" });
    const response = await api("GET", `/v1/events/${world.event.uid}/actions`, {
      key: world.key,
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]);
    expectError(
      await api("GET", "/v1/events/evt_nope/actions", { key: world.key }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await api("GET", "/v1/attendees/gst_nope/actions", { key: world.key }),
      404,
      "NOT_FOUND",
    );
  });

  it("follows the event override's integration", async () => {
    const world = await actionWorld({ active: false });
    const hook = await addWebhook(world, { trigger: "event.manual" });
    const override = await api("PUT", `/v1/events/${world.event.uid}/integration`, {
      key: world.key,
      body: { integration_id: world.integration.id },
    });
    expect(override.status).toBe(200);
    const response = await api("GET", `/v1/events/${world.event.uid}/actions`, {
      key: world.key,
    });
    expect(response.body.data.map((a) => a.webhook_id)).toEqual([hook.id]);
  });
});

describeAuth("GET /v1/attendees/{uid}/actions", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await actionWorld({ owner });
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const attendee = await createAttendee(world.key, world.event.uid);
    return { method: "GET", path: `/v1/attendees/${attendee.uid}/actions`, secrets: [hook.id] };
  },
});

describeAuth("GET /v1/events/{uid}/actions", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await actionWorld({ owner });
    const hook = await addWebhook(world, { trigger: "event.manual" });
    return { method: "GET", path: `/v1/events/${world.event.uid}/actions`, secrets: [hook.id] };
  },
});

describe("POST /v1/{events|attendees}/{uid}/actions/{webhook_id}", () => {
  it("fires a guest.manual webhook with the current, mapped attendee: 202 with the delivery", async () => {
    const world = await actionWorld({
      field_mapping: [
        { name: "mail", mapped_to: "email" },
        { name: "guest", mapped_to: "uid" },
      ],
    });
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const attendee = await createAttendee(world.key, world.event.uid, {
      email: "jane@example.com",
    });
    const response = await api("POST", `/v1/attendees/${attendee.uid}/actions/${hook.id}`, {
      key: world.key,
    });
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({
      id: expect.stringMatching(/^dlv_/),
      webhook_id: hook.id,
      integration_id: world.integration.id,
      trigger: "guest.manual",
      event_uid: world.event.uid,
      entity_uid: attendee.uid,
      status: "pending",
      attempt_count: 0,
    });
    const deliveryId = response.body.data.id;
    const stored = await env.DB.prepare("SELECT trigger_id FROM deliveries WHERE id = ?")
      .bind(deliveryId)
      .first<{ trigger_id: string }>();
    const trigger = (await triggersOf(attendee.uid)).find((t) => t.id === stored?.trigger_id);
    expect(trigger).toMatchObject({
      trigger: "guest.manual",
      webhookId: hook.id,
      status: "processed",
    });
    expect(trigger?.snapshot).toMatchObject({
      uid: attendee.uid,
      email: "jane@example.com",
      event_uid: world.event.uid,
    });

    const [request] = await receivedAtLeast(hook.channel, 1, 15_000);
    if (!request) throw new Error("nothing received");
    expect(JSON.parse(request.body)).toEqual({ mail: "jane@example.com", guest: attendee.uid });
    expect(request.headers["webhook-id"]).toBe(deliveryId);
    expect(request.headers["x-weft-trigger"]).toBe("guest.manual");
    expectSigned(request, hook.secret);
  });

  it("runs once for a retried idempotency-key: the retry answers the first delivery", async () => {
    const world = await actionWorld();
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const attendee = await createAttendee(world.key, world.event.uid);
    const path = `/v1/attendees/${attendee.uid}/actions/${hook.id}` as const;
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await api("POST", path, { key: world.key, headers });
    const retry = await api("POST", path, { key: world.key, headers });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await triggersOf(attendee.uid, "guest.manual")).toHaveLength(1);

    // Without the key, pressing again sends again.
    const again = await api("POST", path, { key: world.key });
    expect(again.body.data.id).not.toBe(first.body.data.id);
    const got = await receivedAtLeast(hook.channel, 2, 15_000);
    expect(got.map((request) => request.headers["webhook-id"]).sort()).toEqual(
      [first.body.data.id, again.body.data.id].sort(),
    );
  });

  it("fires an event.manual webhook with the event as GET /v1/events/{uid} shows it", async () => {
    const world = await actionWorld();
    const hook = await addWebhook(world, { trigger: "event.manual" });
    const response = await api("POST", `/v1/events/${world.event.uid}/actions/${hook.id}`, {
      key: world.key,
    });
    expect(response.status).toBe(202);
    const [request] = await receivedAtLeast(hook.channel, 1, 15_000);
    const shown = await api("GET", `/v1/events/${world.event.uid}`, { key: world.key });
    expect(JSON.parse(request?.body ?? "")).toEqual(shown.body.data);
  });

  it("404s a webhook that is not a manual action applying here", async () => {
    const world = await actionWorld();
    const other = await createEvent(world.key, world.profile.uid);
    const attendee = await createAttendee(world.key, world.event.uid);
    const automatic = await addWebhook(world, { trigger: "guest.create" });
    const eventManual = await addWebhook(world, { trigger: "event.manual" });
    const elsewhere = await addWebhook(world, { trigger: "guest.manual", event_uids: [other.uid] });
    const off = await addWebhook(world, { trigger: "guest.manual", enabled: false });
    for (const hook of [automatic, eventManual, elsewhere, off]) {
      expectError(
        await api("POST", `/v1/attendees/${attendee.uid}/actions/${hook.id}`, { key: world.key }),
        404,
        "NOT_FOUND",
      );
    }
    expectError(
      await api("POST", `/v1/attendees/${attendee.uid}/actions/whk_nope`, { key: world.key }),
      404,
      "NOT_FOUND",
    );
    const guestHook = await addWebhook(world, { trigger: "guest.manual" });
    expectError(
      await api("POST", `/v1/events/${world.event.uid}/actions/${guestHook.id}`, {
        key: world.key,
      }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await api("POST", `/v1/attendees/gst_nope/actions/${guestHook.id}`, { key: world.key }),
      404,
      "NOT_FOUND",
    );
  });
});

describeAuth("POST /v1/attendees/{uid}/actions/{webhook_id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await actionWorld({ owner });
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const attendee = await createAttendee(world.key, world.event.uid);
    return {
      method: "POST",
      path: `/v1/attendees/${attendee.uid}/actions/${hook.id}`,
      secrets: [hook.id],
    };
  },
});

describeAuth("POST /v1/events/{uid}/actions/{webhook_id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await actionWorld({ owner });
    const hook = await addWebhook(world, { trigger: "event.manual" });
    return {
      method: "POST",
      path: `/v1/events/${world.event.uid}/actions/${hook.id}`,
      secrets: [hook.id],
    };
  },
});

describe("a manual action on a selection of attendees", () => {
  it("lists the guest.manual actions an event's attendees can run", async () => {
    const world = await actionWorld();
    const badge = await addWebhook(world, { trigger: "guest.manual", name: "Send badge" });
    await addWebhook(world, { trigger: "event.manual", name: "Sync event" });
    const listed = await api("GET", `/v1/events/${world.event.uid}/attendee-actions`, {
      key: world.key,
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      data: [{ webhook_id: badge.id, name: "Send badge", method: "POST" }],
      meta: { page: 1, page_size: 50, total: 1, last_page: 1 },
    });
  });

  it("fires one signed delivery per attendee, each with its own trigger, answered in order", async () => {
    const world = await actionWorld({
      field_mapping: [{ name: "mail", mapped_to: "email" }],
    });
    const hook = await addWebhook(world, { trigger: "guest.manual", name: "Send badge" });
    const guests = [];
    for (let i = 0; i < 3; i++) {
      guests.push(await createAttendee(world.key, world.event.uid, { email: `g${i}@example.com` }));
    }
    const uids = guests.map((guest) => guest.uid);
    const response = await api(
      "POST",
      `/v1/events/${world.event.uid}/attendee-actions/${hook.id}`,
      // A uid given twice runs once.
      { key: world.key, body: { guest_uids: [...uids, uids[0] as string] } },
    );
    expect(response.status).toBe(202);
    const ran = response.body.data;
    expect(ran.map((one) => one.guest_uid)).toEqual(uids);
    expect(new Set(ran.map((one) => one.trigger_id)).size).toBe(3);
    for (const [i, one] of ran.entries()) {
      expect(one.delivery).toMatchObject({
        webhook_id: hook.id,
        trigger: "guest.manual",
        event_uid: world.event.uid,
        entity_uid: uids[i],
        status: "pending",
      });
      const trigger = await api("GET", `/v1/triggers/${one.trigger_id}`, { key: world.key });
      expect(trigger.body.data).toMatchObject({
        type: "guest.manual",
        subject_uid: uids[i],
        webhook_id: hook.id,
        status: "processed",
        outcome: "fired",
        delivery_count: 1,
        deliveries: [{ id: one.delivery.id }],
      });
      // Stored as the one-subject action stores it: the attendee's snapshot, as JSON.
      expect((await triggerRow(one.trigger_id))?.snapshot).toMatchObject({
        uid: uids[i],
        email: `g${i}@example.com`,
      });
    }

    const got = await receivedAtLeast(hook.channel, 3, 15_000);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((request) => JSON.parse(request.body).mail))).toEqual(
      new Set(["g0@example.com", "g1@example.com", "g2@example.com"]),
    );
    expect(new Set(got.map((request) => request.headers["webhook-id"]))).toEqual(
      new Set(ran.map((one) => one.delivery.id)),
    );
    for (const request of got) expectSigned(request, hook.secret);
  });

  it("runs on 500 attendees in one call", { timeout: 60_000 }, async () => {
    const world = await actionWorld();
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    // Through the API, with an admin key per 50 creates (under each key's rate limit in tests).
    const uids: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const spare = await api("POST", "/v1/account/admin-keys", { key: world.key });
      for (let round = 0; round < 2; round++) {
        const made = await Promise.all(
          Array.from({ length: 25 }, () => createAttendee(spare.body.data.key, world.event.uid)),
        );
        uids.push(...made.map((attendee) => attendee.uid));
      }
    }
    const response = await api(
      "POST",
      `/v1/events/${world.event.uid}/attendee-actions/${hook.id}`,
      { key: world.key, body: { guest_uids: uids } },
    );
    expect(response.status).toBe(202);
    expect(response.body.data.map((one) => one.guest_uid)).toEqual(uids);
    const stored = await env.DB.prepare(
      "SELECT count(DISTINCT entity_uid) AS n FROM deliveries WHERE webhook_id = ?",
    )
      .bind(hook.id)
      .first<{ n: number }>();
    expect(stored?.n).toBe(500);
    const triggers = await api(
      "GET",
      `/v1/triggers?event_uid=${world.event.uid}&type=guest.manual&outcome=fired`,
      { key: world.key },
    );
    expect(triggers.body.meta.total).toBe(500);
  });

  it("replays a retried selection with the same idempotency-key; another selection under it is a 409", async () => {
    const world = await actionWorld();
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const [one, two] = [
      await createAttendee(world.key, world.event.uid),
      await createAttendee(world.key, world.event.uid),
    ];
    const path = `/v1/events/${world.event.uid}/attendee-actions/${hook.id}` as const;
    const headers = { "idempotency-key": crypto.randomUUID() };
    const body = { guest_uids: [one.uid, two.uid] };
    const first = await api("POST", path, { key: world.key, headers, body });
    const retry = await api("POST", path, { key: world.key, headers, body });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    const other = await api("POST", path, {
      key: world.key,
      headers,
      body: { guest_uids: [one.uid] },
    });
    expectError(other, 409, "CONFLICT");
    expect(await triggersOf(one.uid, "guest.manual")).toHaveLength(1);
    expect(await triggersOf(two.uid, "guest.manual")).toHaveLength(1);
  });

  it("refuses a uid that is not an attendee of the event (422 naming it) and fires nothing", async () => {
    const world = await actionWorld();
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const ours = await createAttendee(world.key, world.event.uid);
    const other = await createEvent(world.key, world.profile.uid);
    const elsewhere = await createAttendee(world.key, other.uid);
    const response = await api(
      "POST",
      `/v1/events/${world.event.uid}/attendee-actions/${hook.id}`,
      { key: world.key, body: { guest_uids: [ours.uid, elsewhere.uid, "gst_nope"] } },
    );
    const error = expectError(response, 422, "UNPROCESSABLE");
    expect(error.details).toEqual([
      { path: "guest_uids.1", message: `No attendee ${elsewhere.uid} in this event.` },
      { path: "guest_uids.2", message: "No attendee gst_nope in this event." },
    ]);
    expect(await triggersOf(ours.uid, "guest.manual")).toEqual([]);

    const empty = await api("POST", `/v1/events/${world.event.uid}/attendee-actions/${hook.id}`, {
      key: world.key,
      body: { guest_uids: [] },
    });
    expect(expectError(empty, 400, "VALIDATION_FAILED").details?.[0]?.path).toBe("guest_uids");
    const tooMany = await api("POST", `/v1/events/${world.event.uid}/attendee-actions/${hook.id}`, {
      key: world.key,
      body: { guest_uids: Array.from({ length: 501 }, (_, i) => `gst_${i}`) },
    });
    expect(expectError(tooMany, 400, "VALIDATION_FAILED").details?.[0]?.path).toBe("guest_uids");
  });

  it("404s a webhook that is not a guest.manual action applying to the event", async () => {
    const world = await actionWorld();
    const attendee = await createAttendee(world.key, world.event.uid);
    const eventManual = await addWebhook(world, { trigger: "event.manual" });
    const off = await addWebhook(world, { trigger: "guest.manual", enabled: false });
    for (const id of [eventManual.id, off.id, "whk_nope"]) {
      expectError(
        await api("POST", `/v1/events/${world.event.uid}/attendee-actions/${id}`, {
          key: world.key,
          body: { guest_uids: [attendee.uid] },
        }),
        404,
        "NOT_FOUND",
      );
    }
    expect(await triggersOf(attendee.uid, "guest.manual")).toEqual([]);
  });
});

describeAuth("POST /v1/events/{uid}/attendee-actions/{webhook_id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await actionWorld({ owner });
    const hook = await addWebhook(world, { trigger: "guest.manual" });
    const attendee = await createAttendee(world.key, world.event.uid);
    return {
      method: "POST",
      path: `/v1/events/${world.event.uid}/attendee-actions/${hook.id}`,
      body: { guest_uids: [attendee.uid] },
      secrets: [hook.id],
    };
  },
});
