import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  WEBHOOK_METHODS as SOURCE_METHODS,
  TRIGGERS as SOURCE_TRIGGERS,
} from "../../src/lib/types";
import {
  createAttendee,
  createAttendeeWithEnv,
  createEvent,
  createIntegration,
  createWebhook,
  createWorldWithIntegration,
} from "../factories";
import { api } from "../helpers/api";
import { heldQueue } from "../helpers/deps";
import {
  channelUrl,
  expectSigned,
  newChannel,
  received,
  receivedAtLeast,
  waitFor,
} from "../helpers/receiver";
import { deliveriesOf, handled, triggerOf, triggersOf } from "../helpers/stored";

/**
 * The consumer, reached as in production: a change through the API records a trigger, the real
 * TRIGGERS queue carries it, and the consumer's requests arrive at the receiver.
 */

const MAPPING = [
  { name: "contact_email", mapped_to: "email" },
  { name: "source", value: "weft" },
];

// The contract's lists (API.md, Webhook), written out so that the tests below cover all of them.
const TRIGGERS = [
  "event.create",
  "event.update",
  "event.delete",
  "event.manual",
  "guest.create",
  "guest.update",
  "guest.delete",
  "guest.manual",
] as const;
const WEBHOOK_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
type Trigger = (typeof TRIGGERS)[number];

type World = Awaited<ReturnType<typeof createWorldWithIntegration>>;

/** The event as the API shows it (what an event trigger sends). */
async function eventAsShown(world: World, uid: string) {
  const response = await api("GET", `/v1/events/${uid}`, { key: world.key });
  expect(response.status).toBe(200);
  return response.body.data;
}

/**
 * Makes the change that records `trigger` (a manual one on each of `webhookIds`) through the API,
 * on a new attendee (guest triggers), a new event (event.create) or the world's event; returns
 * the entity, its event and, for event triggers, the event as the receiver must get it.
 */
async function change(world: World, trigger: Trigger, webhookIds: string[]) {
  const { key } = world;
  const ok = (response: { status: number }, status: number) =>
    expect(response.status, trigger).toBe(status);
  if (trigger === "event.create") {
    const event = await createEvent(key, world.profile.uid);
    return {
      entityUid: event.uid,
      eventUid: event.uid,
      item: await eventAsShown(world, event.uid),
    };
  }
  if (trigger.startsWith("event.")) {
    const uid = world.event.uid;
    if (trigger === "event.update") {
      ok(await api("PATCH", `/v1/events/${uid}`, { key, body: { name: "Renamed" } }), 200);
      return { entityUid: uid, eventUid: uid, item: await eventAsShown(world, uid) };
    }
    // The last state before deletion, or the current one for a manual action.
    const item = await eventAsShown(world, uid);
    if (trigger === "event.delete") ok(await api("DELETE", `/v1/events/${uid}`, { key }), 204);
    for (const id of trigger === "event.manual" ? webhookIds : []) {
      ok(await api("POST", `/v1/events/${uid}/actions/${id}`, { key }), 202);
    }
    return { entityUid: uid, eventUid: uid, item };
  }
  const { uid } = await createAttendee(key, world.event.uid, { email: "jane@example.com" });
  if (trigger === "guest.update") {
    ok(
      await api("PATCH", `/v1/attendees/${uid}`, { key, body: { fields: { lastname: "Doe" } } }),
      200,
    );
  }
  if (trigger === "guest.delete") ok(await api("DELETE", `/v1/attendees/${uid}`, { key }), 204);
  for (const id of trigger === "guest.manual" ? webhookIds : []) {
    ok(await api("POST", `/v1/attendees/${uid}/actions/${id}`, { key }), 202);
  }
  return { entityUid: uid, eventUid: world.event.uid, item: undefined };
}

/** The webhook's deliveries as the API lists them, once none is pending. */
function finishedDeliveries(world: World, webhookId: string) {
  const path =
    `/v1/integrations/${world.integration.id}/deliveries?webhook_id=${webhookId}` as const;
  return waitFor(async () => {
    const { body } = await api("GET", path, { key: world.key });
    const list = body.data;
    return list.length > 0 && list.every((d) => d.status !== "pending") ? list : undefined;
  });
}

describe("consumer: each trigger and method reaches the receiver", () => {
  it("knows exactly the contract's triggers and methods", () => {
    expect(SOURCE_TRIGGERS).toEqual(TRIGGERS);
    expect(SOURCE_METHODS).toEqual(WEBHOOK_METHODS);
  });

  for (const trigger of TRIGGERS) {
    it(`${trigger} via GET, POST, PUT, DELETE and PATCH`, async () => {
      const world = await createWorldWithIntegration({ integration: { field_mapping: MAPPING } });
      const hooks = [];
      for (const method of WEBHOOK_METHODS) {
        const channel = newChannel();
        const hook = await createWebhook(world.key, world.integration.id, {
          trigger,
          method,
          url: `${channelUrl(channel)}?tenant=acme`,
          headers: { authorization: `Bearer crm-${method}`, "x-crm-tenant": "acme" },
        });
        hooks.push({ method, channel, hook });
      }
      const manual = trigger.endsWith(".manual");
      const { entityUid, eventUid, item } = await change(
        world,
        trigger,
        hooks.map(({ hook }) => hook.id),
      );

      const expectedBody = JSON.stringify(
        trigger.startsWith("guest.") ? { contact_email: "jane@example.com", source: "weft" } : item,
      );
      for (const { method, channel, hook } of hooks) {
        const got = await receivedAtLeast(channel);
        expect(got, `${trigger} ${method}`).toHaveLength(1);
        const request = got[0];
        expect(request.method).toBe(method);
        const withBody = ["POST", "PUT", "PATCH"].includes(method);
        if (withBody) {
          expect(request.body).toBe(expectedBody);
          expect(request.query).toEqual({ tenant: "acme" });
          expect(request.headers["content-type"]).toBe("application/json");
        } else {
          expect(request.body).toBe("");
          expect(request.query).toEqual({
            tenant: "acme",
            trigger,
            uid: entityUid,
            event_uid: eventUid,
          });
          expect(request.headers["content-type"]).toBeUndefined();
        }
        expectSigned(request, hook.secret);
        const deliveries = await finishedDeliveries(world, hook.id);
        expect(deliveries).toHaveLength(1);
        expect(deliveries[0]).toMatchObject({
          trigger,
          event_uid: eventUid,
          entity_uid: entityUid,
          status: "delivered",
          attempt_count: 1,
        });
        expect(request.headers).toMatchObject({
          "webhook-id": deliveries[0].id,
          "x-weft-trigger": trigger,
          "x-weft-event-uid": eventUid,
          "x-weft-entity-uid": entityUid,
          "x-weft-attempt": "1",
          "user-agent": "Weft-Webhooks/1",
          authorization: `Bearer crm-${method}`,
          "x-crm-tenant": "acme",
        });
        expect(request.headers["x-weft-cause"]).toBeUndefined();
        const stamp = Number(request.headers["webhook-timestamp"]);
        expect(Math.abs(stamp - Date.now() / 1000)).toBeLessThan(30);
      }
      // One trigger for the change (a manual action records one per webhook), each processed.
      const recorded = await triggersOf(entityUid, trigger);
      expect(recorded.map((t) => t.status)).toEqual(
        manual ? hooks.map(() => "processed") : ["processed"],
      );
      if (manual) {
        expect(recorded.map((t) => t.webhookId)).toEqual(hooks.map(({ hook }) => hook.id));
      }
    });
  }
});

describe("consumer: who gets a trigger", () => {
  /** Registers a guest through the API; the real queue takes its guest.create to the consumer. */
  async function register(world: World) {
    const attendee = await createAttendee(world.key, world.event.uid, {
      email: "jane@example.com",
    });
    return (await triggerOf(attendee.uid, "guest.create")).id;
  }

  /** Once the consumer has handled the trigger: no delivery, and nothing arrived. */
  async function expectNothingSent(channel: string, triggerId: string) {
    expect((await handled(triggerId)).status).toBe("processed");
    expect(await deliveriesOf(triggerId)).toEqual([]);
    expect(await received(channel)).toEqual([]);
  }

  it("sends nothing when the profile has no active integration", async () => {
    const world = await createWorldWithIntegration({
      integration: { active: false },
      webhooks: [{}],
    });
    await expectNothingSent(world.webhooks[0].channel, await register(world));
  });

  it("sends nothing when the integration has webhooks turned off", async () => {
    const world = await createWorldWithIntegration({
      integration: { webhooks_enabled: false },
      webhooks: [{}],
    });
    await expectNothingSent(world.webhooks[0].channel, await register(world));
  });

  it("sends nothing to a disabled webhook, another trigger's, or one for other events", async () => {
    const world = await createWorldWithIntegration();
    const other = await createEvent(world.key, world.profile.uid);
    const disabled = newChannel();
    const otherTrigger = newChannel();
    const otherEvent = newChannel();
    for (const body of [
      { url: channelUrl(disabled), enabled: false },
      { url: channelUrl(otherTrigger), trigger: "guest.update" as const },
      { url: channelUrl(otherEvent), event_uids: [other.uid] },
    ]) {
      await createWebhook(world.key, world.integration.id, body);
    }
    const triggerId = await register(world);
    for (const channel of [disabled, otherTrigger, otherEvent]) {
      await expectNothingSent(channel, triggerId);
    }
  });

  it("sends nothing to a webhook created after the change (while the trigger waited)", async () => {
    const world = await createWorldWithIntegration();
    // The trigger's message is held back until the webhook exists, then sent on the real queue.
    const held = heldQueue();
    const attendee = await createAttendeeWithEnv(
      { TRIGGERS: held.queue },
      world.key,
      world.event.uid,
    );
    const trigger = await triggerOf(attendee.uid, "guest.create");
    expect(held.sent).toEqual([{ body: { type: "trigger", triggerId: trigger.id } }]);
    const channel = newChannel();
    const hook = await createWebhook(world.key, world.integration.id, { url: channelUrl(channel) });
    expect(hook.created_at > trigger.createdAt).toBe(true);
    await env.TRIGGERS.send(held.sent[0].body);
    await expectNothingSent(channel, trigger.id);
  });

  it("sends to a webhook whose event_uids hold the event", async () => {
    const world = await createWorldWithIntegration();
    const other = await createEvent(world.key, world.profile.uid);
    const channel = newChannel();
    await createWebhook(world.key, world.integration.id, {
      url: channelUrl(channel),
      event_uids: [other.uid, world.event.uid],
    });
    await register(world);
    expect(await receivedAtLeast(channel)).toHaveLength(1);
  });

  it("follows the event override's integration instead of the profile's", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{}] });
    const overriding = await createIntegration(world.key, { profile_uids: [world.profile.uid] });
    const overrideChannel = newChannel();
    const overrideHook = await createWebhook(world.key, overriding.id, {
      url: channelUrl(overrideChannel),
    });
    const override = await api("PUT", `/v1/events/${world.event.uid}/integration`, {
      key: world.key,
      body: { integration_id: overriding.id },
    });
    expect(override.status).toBe(200);
    const triggerId = await register(world);
    expect(await receivedAtLeast(overrideChannel)).toHaveLength(1);
    // The fan-out is done (the override's webhook got its request): nothing for the profile's.
    expect((await deliveriesOf(triggerId)).map((d) => d.webhookId)).toEqual([overrideHook.id]);
    expect(await received(world.webhooks[0].channel)).toEqual([]);
  });

  it("maps guests through account, integration, profile and event levels; replace drops the rest", async () => {
    const world = await createWorldWithIntegration({
      accountMapping: [{ name: "a", value: 1 }],
      integration: { field_mapping: [{ name: "b", mapped_to: "firstname" }] },
      profileMapping: [{ name: "a", value: 2 }],
      webhooks: [{}],
    });
    const merged = await api("PUT", `/v1/events/${world.event.uid}/integration`, {
      key: world.key,
      body: { field_mapping: [{ name: "c", mapped_to: "missing" }] },
    });
    expect(merged.status).toBe(200);
    await register(world);
    const [mergedRequest] = await receivedAtLeast(world.webhooks[0].channel);
    expect(JSON.parse(mergedRequest.body)).toEqual({ a: 2, b: "Jane", c: null });

    const replaced = await createWorldWithIntegration({
      integration: { field_mapping: [{ name: "b", value: 1 }] },
      webhooks: [{}],
    });
    const replace = await api("PUT", `/v1/events/${replaced.event.uid}/integration`, {
      key: replaced.key,
      body: {
        mapping_mode: "replace",
        field_mapping: [{ name: "email_only", mapped_to: "email" }],
      },
    });
    expect(replace.status).toBe(200);
    await register(replaced);
    const [only] = await receivedAtLeast(replaced.webhooks[0].channel);
    expect(JSON.parse(only.body)).toEqual({ email_only: "jane@example.com" });
  });

  it("fires a payment's guest.update only with fire_on_payment, with x-weft-cause", async () => {
    for (const fireOnPayment of [false, true]) {
      const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.update" }] });
      const { channel } = world.webhooks[0];
      const override = await api("PUT", `/v1/events/${world.event.uid}/integration`, {
        key: world.key,
        body: { fire_on_payment: fireOnPayment },
      });
      expect(override.status).toBe(200);
      const attendee = await createAttendee(world.key, world.event.uid);
      const payment = await api("POST", `/v1/attendees/${attendee.uid}/payments`, {
        key: world.key,
        body: { amount: 10, method: "card" },
      });
      expect(payment.status).toBe(200);
      const paid = await triggerOf(attendee.uid, "guest.update");
      expect(paid.cause).toBe("payment");
      if (!fireOnPayment) {
        await expectNothingSent(channel, paid.id);
      } else {
        const got = await receivedAtLeast(channel);
        expect(got).toHaveLength(1);
        expect(got[0].headers["x-weft-cause"]).toBe("payment");
      }
    }
  });

  it("a profile's fire_on_payment reaches its events, unless an override says otherwise", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.update" }] });
    const { key, profile } = world;
    const { channel } = world.webhooks[0];
    const patched = await api("PATCH", `/v1/profiles/${profile.uid}`, {
      key,
      body: { fire_on_payment: true },
    });
    expect(patched.body.data.fire_on_payment).toBe(true);
    const optedOut = await createEvent(key, profile.uid);
    await api("PUT", `/v1/events/${optedOut.uid}/integration`, {
      key,
      body: { fire_on_payment: false },
    });
    const pay = async (eventUid: string) => {
      const attendee = await createAttendee(key, eventUid);
      await api("POST", `/v1/attendees/${attendee.uid}/payments`, {
        key,
        body: { amount: 10, method: "card" },
      });
      return triggerOf(attendee.uid, "guest.update");
    };
    await expectNothingSent(channel, (await pay(optedOut.uid)).id);
    const inherited = await pay(world.event.uid);
    const [got] = await receivedAtLeast(channel);
    expect(got.headers["x-weft-cause"]).toBe("payment");
    expect(got.headers["webhook-id"]).toBe((await deliveriesOf(inherited.id))[0].id);
  });

  it("an override with webhooks_enabled false silences its event only", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.create" }] });
    const { key, profile } = world;
    const { channel } = world.webhooks[0];
    const silent = await createEvent(key, profile.uid);
    await api("PUT", `/v1/events/${silent.uid}/integration`, {
      key,
      body: { webhooks_enabled: false },
    });
    const quiet = await createAttendee(key, silent.uid);
    await expectNothingSent(channel, (await triggerOf(quiet.uid, "guest.create")).id);
    const heard = await createAttendee(key, world.event.uid);
    const [got] = await receivedAtLeast(channel);
    expect(JSON.parse(got.body).uid).toBe(heard.uid);
  });

  it("a plain guest.update fires without fire_on_payment", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.update" }] });
    const attendee = await createAttendee(world.key, world.event.uid);
    const update = await api("PATCH", `/v1/attendees/${attendee.uid}`, {
      key: world.key,
      body: { fields: { lastname: "Doe" } },
    });
    expect(update.status).toBe(200);
    const got = await receivedAtLeast(world.webhooks[0].channel);
    expect(got).toHaveLength(1);
    expect(got[0].headers["x-weft-cause"]).toBeUndefined();
  });

  it("signs with the previous secret too while it is valid, not after", async () => {
    for (const valid of [true, false]) {
      const world = await createWorldWithIntegration({ webhooks: [{}] });
      const [{ id, secret: previous, channel }] = world.webhooks;
      const rotated = await api(
        "POST",
        `/v1/integrations/${world.integration.id}/webhooks/${id}/secret/rotate`,
        { key: world.key },
      );
      expect(rotated.status).toBe(200);
      if (!valid) {
        // Time travel: the previous secret's 24 hours are over.
        await env.DB.prepare("UPDATE webhooks SET previous_secret_expires_at = ? WHERE id = ?")
          .bind(new Date(Date.now() - 1000).toISOString(), id)
          .run();
      }
      await register(world);
      const [request] = await receivedAtLeast(channel);
      expectSigned(request, rotated.body.data.secret);
      expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(valid ? 2 : 1);
      if (valid) expectSigned(request, previous);
    }
  });
});
