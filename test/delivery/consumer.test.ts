import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhooks } from "../../src/db/schema";
import { handleMessage } from "../../src/delivery/consumer";
import {
  WEBHOOK_METHODS as SOURCE_METHODS,
  TRIGGERS as SOURCE_TRIGGERS,
} from "../../src/lib/types";
import { expectSigned } from "./helpers";
import {
  channelUrl,
  db,
  deliveriesOfTrigger,
  findTriggerRow,
  newChannel,
  received,
  seedAttendee,
  seedEvent,
  seedOverride,
  seedTrigger,
  seedWebhook,
  seedWorld,
  testDeps,
  type World,
} from "./seed";

const MAPPING = [
  { name: "contact_email", mapped_to: "email" },
  { name: "source", value: "weft" },
];

function eventSnapshot(world: World) {
  return { uid: world.event.id, profile_uid: world.profile.id, name: world.event.name };
}

function guestSnapshot(world: World, uid: string) {
  return { uid, event_uid: world.event.id, email: "jane@example.com", firstname: "Jane" };
}

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

describe("consumer: each trigger and method reaches the receiver", () => {
  it("knows exactly the contract's triggers and methods", () => {
    expect(SOURCE_TRIGGERS).toEqual(TRIGGERS);
    expect(SOURCE_METHODS).toEqual(WEBHOOK_METHODS);
  });

  for (const trigger of TRIGGERS) {
    it(`${trigger} via GET, POST, PUT, DELETE and PATCH`, async () => {
      const world = await seedWorld({ integrationMapping: MAPPING });
      const guest = trigger.startsWith("guest.");
      const entityUid = guest ? (await seedAttendee(world)).id : world.event.id;
      const snapshot = guest ? guestSnapshot(world, entityUid) : eventSnapshot(world);
      const hooks = [];
      for (const method of WEBHOOK_METHODS) {
        const channel = newChannel();
        const hook = await seedWebhook(world, {
          trigger,
          method,
          url: `${channelUrl(channel)}?tenant=acme`,
          headers: { authorization: `Bearer crm-${method}`, "x-crm-tenant": "acme" },
        });
        hooks.push({ method, channel, hook });
      }
      const { deps } = testDeps();
      const manual = trigger.endsWith(".manual");
      const triggerIds = manual
        ? await Promise.all(
            hooks.map(({ hook }) =>
              seedTrigger(world, { trigger, snapshot, entityUid, webhookId: hook.id }),
            ),
          )
        : [await seedTrigger(world, { trigger, snapshot, entityUid })];
      for (const triggerId of triggerIds) await handleMessage(deps, { type: "trigger", triggerId });

      const expectedBody = JSON.stringify(
        guest ? { contact_email: "jane@example.com", source: "weft" } : snapshot,
      );
      for (const { method, channel, hook } of hooks) {
        const got = await received(channel);
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
            event_uid: world.event.id,
          });
          expect(request.headers["content-type"]).toBeUndefined();
        }
        expectSigned(request, hook.secret);
        const [delivery] = await deliveriesOfTrigger(
          manual
            ? (triggerIds[hooks.findIndex((h) => h.hook.id === hook.id)] as string)
            : (triggerIds[0] as string),
        ).then((rows) => rows.filter((row) => row.webhookId === hook.id));
        expect(delivery?.status).toBe("delivered");
        expect(request.headers).toMatchObject({
          "webhook-id": delivery?.id,
          "x-weft-trigger": trigger,
          "x-weft-event-uid": world.event.id,
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
      for (const triggerId of triggerIds) {
        expect((await findTriggerRow(triggerId))?.status).toBe("processed");
      }
    });
  }
});

describe("consumer: who gets a trigger", () => {
  async function fire(world: World, trigger: "guest.create" | "event.update" = "guest.create") {
    const attendee = await seedAttendee(world);
    const triggerId = await seedTrigger(world, {
      trigger,
      snapshot: guestSnapshot(world, attendee.id),
      entityUid: attendee.id,
    });
    const { deps } = testDeps();
    await handleMessage(deps, { type: "trigger", triggerId });
    return triggerId;
  }

  async function expectNothingSent(channel: string, triggerId: string) {
    expect(await received(channel)).toEqual([]);
    expect(await deliveriesOfTrigger(triggerId)).toEqual([]);
    expect((await findTriggerRow(triggerId))?.status).toBe("processed");
  }

  it("sends nothing when the profile has no active integration", async () => {
    const world = await seedWorld({ active: false });
    const channel = newChannel();
    await seedWebhook(world, { url: channelUrl(channel) });
    await expectNothingSent(channel, await fire(world));
  });

  it("sends nothing when the integration has webhooks turned off", async () => {
    const world = await seedWorld({ webhooksEnabled: false });
    const channel = newChannel();
    await seedWebhook(world, { url: channelUrl(channel) });
    await expectNothingSent(channel, await fire(world));
  });

  it("sends nothing to a disabled webhook, another trigger's, or one for other events", async () => {
    const world = await seedWorld();
    const other = await seedEvent(world);
    const disabled = newChannel();
    const otherTrigger = newChannel();
    const otherEvent = newChannel();
    await seedWebhook(world, { url: channelUrl(disabled), enabled: false });
    await seedWebhook(world, { url: channelUrl(otherTrigger), trigger: "guest.update" });
    await seedWebhook(world, { url: channelUrl(otherEvent), eventUids: [other.id] });
    const triggerId = await fire(world);
    for (const channel of [disabled, otherTrigger, otherEvent]) {
      await expectNothingSent(channel, triggerId);
    }
  });

  it("sends nothing to a webhook created after the change (while the trigger waited)", async () => {
    const world = await seedWorld();
    const channel = newChannel();
    const hook = await seedWebhook(world, { url: channelUrl(channel) });
    await db
      .update(webhooks)
      .set({ createdAt: new Date(Date.now() + 60_000).toISOString() })
      .where(eq(webhooks.id, hook.id));
    await expectNothingSent(channel, await fire(world));
  });

  it("sends to a webhook whose event_uids hold the event", async () => {
    const world = await seedWorld();
    const other = await seedEvent(world);
    const channel = newChannel();
    await seedWebhook(world, { url: channelUrl(channel), eventUids: [other.id, world.event.id] });
    await fire(world);
    expect(await received(channel)).toHaveLength(1);
  });

  it("follows the event override's integration instead of the profile's", async () => {
    const world = await seedWorld();
    const second = await seedWorld();
    // The override names an integration of the same account: re-home `second`'s into `world`'s account.
    const { db } = await import("./seed");
    const { integrations } = await import("../../src/db/schema");
    const otherId = `int_override${crypto.randomUUID().slice(0, 8)}`;
    await db
      .insert(integrations)
      .values({ ...second.integration, id: otherId, accountId: world.accountId });
    const profileChannel = newChannel();
    const overrideChannel = newChannel();
    await seedWebhook(world, { url: channelUrl(profileChannel) });
    await seedWebhook(world, { url: channelUrl(overrideChannel), integrationId: otherId });
    await seedOverride(world.event.id, { integrationId: otherId });
    await fire(world);
    expect(await received(profileChannel)).toEqual([]);
    expect(await received(overrideChannel)).toHaveLength(1);
  });

  it("maps guests through account, integration, profile and event levels; replace drops the rest", async () => {
    const world = await seedWorld({
      accountMapping: [{ name: "a", value: 1 }],
      integrationMapping: [{ name: "b", mapped_to: "firstname" }],
      profileMapping: [{ name: "a", value: 2 }],
    });
    const channel = newChannel();
    await seedWebhook(world, { url: channelUrl(channel) });
    await seedOverride(world.event.id, { fieldMapping: [{ name: "c", mapped_to: "missing" }] });
    await fire(world);
    const [merged] = await received(channel);
    expect(JSON.parse(merged?.body ?? "")).toEqual({ a: 2, b: "Jane", c: null });

    const replaced = await seedWorld({ integrationMapping: [{ name: "b", value: 1 }] });
    const channel2 = newChannel();
    await seedWebhook(replaced, { url: channelUrl(channel2) });
    await seedOverride(replaced.event.id, {
      mappingMode: "replace",
      fieldMapping: [{ name: "email_only", mapped_to: "email" }],
    });
    await fire(replaced);
    const [only] = await received(channel2);
    expect(JSON.parse(only?.body ?? "")).toEqual({ email_only: "jane@example.com" });
  });

  it("fires a payment's guest.update only with fire_on_payment, with x-weft-cause", async () => {
    for (const fireOnPayment of [false, true]) {
      const world = await seedWorld();
      const channel = newChannel();
      await seedWebhook(world, { url: channelUrl(channel), trigger: "guest.update" });
      await seedOverride(world.event.id, { fireOnPayment });
      const attendee = await seedAttendee(world);
      const triggerId = await seedTrigger(world, {
        trigger: "guest.update",
        snapshot: guestSnapshot(world, attendee.id),
        entityUid: attendee.id,
        cause: "payment",
      });
      await handleMessage(testDeps().deps, { type: "trigger", triggerId });
      const got = await received(channel);
      if (!fireOnPayment) {
        expect(got).toEqual([]);
      } else {
        expect(got).toHaveLength(1);
        expect(got[0]?.headers["x-weft-cause"]).toBe("payment");
      }
    }
  });

  it("a plain guest.update fires without fire_on_payment", async () => {
    const world = await seedWorld();
    const channel = newChannel();
    await seedWebhook(world, { url: channelUrl(channel), trigger: "guest.update" });
    const attendee = await seedAttendee(world);
    const triggerId = await seedTrigger(world, {
      trigger: "guest.update",
      snapshot: guestSnapshot(world, attendee.id),
      entityUid: attendee.id,
    });
    await handleMessage(testDeps().deps, { type: "trigger", triggerId });
    expect(await received(channel)).toHaveLength(1);
  });

  it("signs with the previous secret too while it is valid, not after", async () => {
    const { newSecret } = await import("./seed");
    for (const valid of [true, false]) {
      const world = await seedWorld();
      const channel = newChannel();
      const previous = newSecret();
      const expiresAt = new Date(Date.now() + (valid ? 3600_000 : -1000)).toISOString();
      const hook = await seedWebhook(world, {
        url: channelUrl(channel),
        previousSecret: { secret: previous, expiresAt },
      });
      await fire(world);
      const [request] = await received(channel);
      if (!request) throw new Error("nothing received");
      expectSigned(request, hook.secret);
      expect(request.headers["webhook-signature"]?.split(" ")).toHaveLength(valid ? 2 : 1);
      if (valid) expectSigned(request, previous);
    }
  });
});
