import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { triggers } from "../../src/db/schema";
import { expectSigned } from "../delivery/helpers";
import {
  channelUrl,
  db,
  findDeliveryRow,
  newChannel,
  received,
  seedAttendee,
  seedEvent,
  seedOverride,
  seedWebhook,
  seedWorld,
  waitFor,
} from "../delivery/seed";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

describe("GET /v1/events/{uid}/actions and /v1/attendees/{uid}/actions", () => {
  it("lists the enabled manual webhooks that apply, labelled by name", async () => {
    const world = await seedWorld();
    const other = await seedEvent(world);
    const badge = await seedWebhook(world, { trigger: "guest.manual", name: "Send badge" });
    const vip = await seedWebhook(world, {
      trigger: "guest.manual",
      name: "Mark VIP",
      method: "PUT",
      eventUids: [world.event.id],
    });
    await seedWebhook(world, { trigger: "guest.manual", name: "Elsewhere", eventUids: [other.id] });
    await seedWebhook(world, { trigger: "guest.manual", name: "Off", enabled: false });
    await seedWebhook(world, { trigger: "guest.create", name: "Automatic" });
    const sync = await seedWebhook(world, {
      trigger: "event.manual",
      name: "Sync event",
      method: "GET",
    });
    const attendee = await seedAttendee(world);

    const guestActions = await api("GET", `/v1/attendees/${attendee.id}/actions`, {
      key: world.key,
    });
    expect(guestActions.status).toBe(200);
    expect(guestActions.body.data).toEqual([
      { webhook_id: badge.id, name: "Send badge", method: "POST" },
      { webhook_id: vip.id, name: "Mark VIP", method: "PUT" },
    ]);
    const eventActions = await api("GET", `/v1/events/${world.event.id}/actions`, {
      key: world.key,
    });
    expect(eventActions.body.data).toEqual([
      { webhook_id: sync.id, name: "Sync event", method: "GET" },
    ]);
  });

  it("lists nothing when no integration applies, and 404s unknown uids", async () => {
    const world = await seedWorld({ active: false });
    await seedWebhook(world, { trigger: "event.manual" });
    const response = await api("GET", `/v1/events/${world.event.id}/actions`, { key: world.key });
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
    const world = await seedWorld({ active: false });
    const hook = await seedWebhook(world, { trigger: "event.manual" });
    await seedOverride(world.event.id, { integrationId: world.integration.id });
    const response = await api("GET", `/v1/events/${world.event.id}/actions`, { key: world.key });
    expect(response.body.data.map((a: { webhook_id: string }) => a.webhook_id)).toEqual([hook.id]);
  });
});

describeAuth("GET /v1/attendees/{uid}/actions", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await seedWorld({ owner });
    const hook = await seedWebhook(world, { trigger: "guest.manual" });
    const attendee = await seedAttendee(world);
    return { method: "GET", path: `/v1/attendees/${attendee.id}/actions`, secrets: [hook.id] };
  },
});

describeAuth("GET /v1/events/{uid}/actions", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await seedWorld({ owner });
    const hook = await seedWebhook(world, { trigger: "event.manual" });
    return { method: "GET", path: `/v1/events/${world.event.id}/actions`, secrets: [hook.id] };
  },
});

describe("POST /v1/{events|attendees}/{uid}/actions/{webhook_id}", () => {
  it("fires a guest.manual webhook with the current, mapped attendee: 202 with the delivery", async () => {
    const world = await seedWorld({
      integrationMapping: [
        { name: "mail", mapped_to: "email" },
        { name: "guest", mapped_to: "uid" },
      ],
    });
    const channel = newChannel();
    const hook = await seedWebhook(world, { trigger: "guest.manual", url: channelUrl(channel) });
    const attendee = await seedAttendee(world);
    const response = await api("POST", `/v1/attendees/${attendee.id}/actions/${hook.id}`, {
      key: world.key,
    });
    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({
      id: expect.stringMatching(/^dlv_/),
      webhook_id: hook.id,
      integration_id: world.integration.id,
      trigger: "guest.manual",
      event_uid: world.event.id,
      entity_uid: attendee.id,
      status: "pending",
      attempt_count: 0,
    });
    const deliveryId = response.body.data.id;
    const stored = await findDeliveryRow(deliveryId);
    const trigger = await db
      .select()
      .from(triggers)
      .where(eq(triggers.id, stored?.triggerId ?? ""))
      .get();
    expect(trigger).toMatchObject({
      trigger: "guest.manual",
      webhookId: hook.id,
      status: "processed",
    });
    expect(trigger?.snapshot).toMatchObject({
      uid: attendee.id,
      email: "jane@example.com",
      event_uid: world.event.id,
    });

    const [request] = await waitFor(
      async () => {
        const got = await received(channel);
        return got.length > 0 ? got : undefined;
      },
      15_000,
      "the manual delivery",
    );
    if (!request) throw new Error("nothing received");
    expect(JSON.parse(request.body)).toEqual({ mail: "jane@example.com", guest: attendee.id });
    expect(request.headers["webhook-id"]).toBe(deliveryId);
    expect(request.headers["x-weft-trigger"]).toBe("guest.manual");
    expectSigned(request, hook.secret);
  });

  it("fires an event.manual webhook with the event as GET /v1/events/{uid} shows it", async () => {
    const world = await seedWorld();
    const channel = newChannel();
    const hook = await seedWebhook(world, { trigger: "event.manual", url: channelUrl(channel) });
    const response = await api("POST", `/v1/events/${world.event.id}/actions/${hook.id}`, {
      key: world.key,
    });
    expect(response.status).toBe(202);
    const [request] = await waitFor(
      async () => {
        const got = await received(channel);
        return got.length > 0 ? got : undefined;
      },
      15_000,
      "the manual delivery",
    );
    const shown = await api("GET", `/v1/events/${world.event.id}`, { key: world.key });
    expect(JSON.parse(request?.body ?? "")).toEqual(shown.body.data);
  });

  it("404s a webhook that is not a manual action applying here", async () => {
    const world = await seedWorld();
    const other = await seedEvent(world);
    const attendee = await seedAttendee(world);
    const automatic = await seedWebhook(world, { trigger: "guest.create" });
    const eventManual = await seedWebhook(world, { trigger: "event.manual" });
    const elsewhere = await seedWebhook(world, { trigger: "guest.manual", eventUids: [other.id] });
    const off = await seedWebhook(world, { trigger: "guest.manual", enabled: false });
    for (const hook of [automatic, eventManual, elsewhere, off]) {
      expectError(
        await api("POST", `/v1/attendees/${attendee.id}/actions/${hook.id}`, { key: world.key }),
        404,
        "NOT_FOUND",
      );
    }
    expectError(
      await api("POST", `/v1/attendees/${attendee.id}/actions/whk_nope`, { key: world.key }),
      404,
      "NOT_FOUND",
    );
    const guestHook = await seedWebhook(world, { trigger: "guest.manual" });
    expectError(
      await api("POST", `/v1/events/${world.event.id}/actions/${guestHook.id}`, { key: world.key }),
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
    const world = await seedWorld({ owner });
    const hook = await seedWebhook(world, { trigger: "guest.manual" });
    const attendee = await seedAttendee(world);
    return {
      method: "POST",
      path: `/v1/attendees/${attendee.id}/actions/${hook.id}`,
      secrets: [hook.id],
    };
  },
});

describeAuth("POST /v1/events/{uid}/actions/{webhook_id}", {
  otherAccount: 404,
  setup: async (owner) => {
    const world = await seedWorld({ owner });
    const hook = await seedWebhook(world, { trigger: "event.manual" });
    return {
      method: "POST",
      path: `/v1/events/${world.event.id}/actions/${hook.id}`,
      secrets: [hook.id],
    };
  },
});
