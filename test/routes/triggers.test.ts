import { describe, expect, it } from "vitest";
import {
  createAttendee,
  createEvent,
  createWebhook,
  createWorld,
  createWorldWithIntegration,
} from "../factories";
import { api, expectError, request } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { received, receivedAtLeast, waitFor } from "../helpers/receiver";

/**
 * The trigger log (`GET /v1/triggers`): every change is kept with what fan-out made of it, the
 * deliveries, or the first reason nothing was sent; the same reasons the effective configuration
 * gives for the event.
 */

type World = Awaited<ReturnType<typeof createWorld>>;

/** The triggers about `subjectUid`, once fan-out has processed all of them. */
async function processedTriggers(key: string, subjectUid: string) {
  return waitFor(
    async () => {
      const response = await api("GET", `/v1/triggers?subject_uid=${subjectUid}`, { key });
      expect(response.status).toBe(200);
      const { data } = response.body;
      return data.length > 0 && data.every((t) => t.status === "processed") ? data : undefined;
    },
    10_000,
    `the triggers of ${subjectUid} processed`,
  );
}

/** The guest.create outcome the effective configuration gives for the world's event. */
async function expectedOutcome(world: World) {
  const response = await api("GET", `/v1/events/${world.event.uid}/effective-integration`, {
    key: world.key,
  });
  return response.body.data.triggers.find((t) => t.trigger === "guest.create")?.outcome;
}

describe("GET /v1/triggers", () => {
  it("keeps a trigger that fired with its deliveries, as the receiver got them", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.create" }] });
    const [hook] = world.webhooks;
    const attendee = await createAttendee(world.key, world.event.uid);
    const [got] = await receivedAtLeast(hook.channel);
    const [trigger] = await processedTriggers(world.key, attendee.uid);
    expect(trigger).toMatchObject({
      type: "guest.create",
      event_uid: world.event.uid,
      profile_uid: world.profile.uid,
      subject_uid: attendee.uid,
      cause: null,
      webhook_id: null,
      status: "processed",
      outcome: "fired",
      delivery_count: 1,
      error: null,
    });

    const one = await api("GET", `/v1/triggers/${trigger?.id}`, { key: world.key });
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ ...trigger, deliveries: [expect.any(Object)] });
    expect(one.body.data.deliveries[0]).toMatchObject({
      id: got?.headers["webhook-id"],
      webhook_id: hook.id,
      trigger: "guest.create",
      entity_uid: attendee.uid,
    });
  });

  it("says a payment fired nothing while fire on payment is off, and the receiver got nothing", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.update" }] });
    const [hook] = world.webhooks;
    const attendee = await createAttendee(world.key, world.event.uid, {}, { amount_tax_excl: 50 });
    const paid = await api("POST", `/v1/attendees/${attendee.uid}/payments`, {
      key: world.key,
      body: { amount: 50, method: "card" },
    });
    expect(paid.status).toBe(200);

    const log = await waitFor(async () => {
      const response = await api(
        "GET",
        `/v1/triggers?event_uid=${world.event.uid}&type=guest.update`,
        { key: world.key },
      );
      const [trigger] = response.body.data;
      return trigger?.status === "processed" ? response.body : undefined;
    });
    expect(log.meta.total).toBe(1);
    expect(log.data[0]).toMatchObject({
      subject_uid: attendee.uid,
      cause: "payment",
      outcome: "payment_not_enabled",
      delivery_count: 0,
    });
    expect(await received(hook.channel)).toEqual([]);
  });

  it("names the first reason nothing fired, as the effective configuration does", {
    timeout: 30_000,
  }, async () => {
    const cases: [string, () => Promise<World>][] = [
      ["no_active_integration", () => createWorld()],
      [
        "integration_webhooks_disabled",
        () =>
          createWorldWithIntegration({
            integration: { webhooks_enabled: false },
            webhooks: [{ trigger: "guest.create" }],
          }),
      ],
      ["no_webhook_for_trigger", () => createWorldWithIntegration({ webhooks: [] })],
      [
        "webhook_disabled",
        () =>
          createWorldWithIntegration({ webhooks: [{ trigger: "guest.create", enabled: false }] }),
      ],
      [
        "event_webhooks_disabled",
        async () => {
          const world = await createWorldWithIntegration({
            webhooks: [{ trigger: "guest.create" }],
          });
          const off = await api("PUT", `/v1/events/${world.event.uid}/integration`, {
            key: world.key,
            body: { webhooks_enabled: false },
          });
          expect(off.status).toBe(200);
          return world;
        },
      ],
      [
        "event_not_in_event_uids",
        async () => {
          const world = await createWorldWithIntegration();
          const other = await createEvent(world.key, world.profile.uid);
          const integration = world.integration as { id: string };
          await createWebhook(world.key, integration.id, { event_uids: [other.uid] });
          return world;
        },
      ],
    ];
    for (const [reason, build] of cases) {
      const world = await build();
      const attendee = await createAttendee(world.key, world.event.uid);
      const [trigger] = await processedTriggers(world.key, attendee.uid);
      expect(trigger, reason).toMatchObject({ outcome: reason, delivery_count: 0 });
      expect(await expectedOutcome(world), reason).toBe(reason);
    }
  });

  it("filters by event, subject, type, outcome and time, and pages like every list", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.create" }] });
    const { key, event } = world;
    const first = await createAttendee(key, event.uid);
    const second = await createAttendee(key, event.uid);
    const edited = await api("PATCH", `/v1/attendees/${second.uid}`, {
      key,
      body: { fields: { firstname: "Joan" } },
    });
    expect(edited.status).toBe(200);
    await processedTriggers(key, first.uid);
    await processedTriggers(key, second.uid);

    const all = await api("GET", `/v1/triggers?event_uid=${event.uid}&page_size=2`, { key });
    // The event's own event.create, then the three attendee changes, oldest first.
    expect(all.body.meta).toEqual({ page: 1, page_size: 2, total: 4, last_page: 2 });
    expect(all.body.data.map((t) => t.type)).toEqual(["event.create", "guest.create"]);
    const next = await api("GET", `/v1/triggers?event_uid=${event.uid}&page_size=2&page=2`, {
      key,
    });
    expect(next.body.data.map((t) => [t.type, t.subject_uid])).toEqual([
      ["guest.create", second.uid],
      ["guest.update", second.uid],
    ]);

    const updates = await api("GET", `/v1/triggers?event_uid=${event.uid}&type=guest.update`, {
      key,
    });
    expect(updates.body.data.map((t) => t.subject_uid)).toEqual([second.uid]);
    expect(updates.body.data[0]?.outcome).toBe("no_webhook_for_trigger");
    const fired = await api("GET", `/v1/triggers?event_uid=${event.uid}&outcome=fired`, { key });
    expect(fired.body.data.map((t) => t.subject_uid)).toEqual([first.uid, second.uid]);
    const since = next.body.data[1]?.created_at as string;
    const later = await api("GET", `/v1/triggers?event_uid=${event.uid}&since=${since}`, { key });
    expect(later.body.data.map((t) => t.type)).toEqual(["guest.update"]);
    const future = await api("GET", "/v1/triggers?since=2999-01-01T00:00:00Z", { key });
    expect(future.body).toMatchObject({ data: [], meta: { total: 0 } });
  });

  it("refuses an unknown outcome or type, naming the filter", async () => {
    const { key } = await createWorld();
    const outcome = await request("GET", "/v1/triggers?outcome=lost", { key });
    expect(expectError(outcome, 400, "VALIDATION_FAILED").details?.[0]?.path).toBe("outcome");
    const type = await request("GET", "/v1/triggers?type=guest.created", { key });
    expect(expectError(type, 400, "VALIDATION_FAILED").details?.[0]?.path).toBe("type");
  });

  it("answers 404 for a trigger that does not exist", async () => {
    const { key } = await createWorld();
    const missing = await request("GET", "/v1/triggers/trg_doesnotexist0000000", { key });
    expectError(missing, 404, "NOT_FOUND");
  });
});

describeAuth("GET /v1/triggers", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async () => ({ method: "GET", path: "/v1/triggers" }),
});

describeAuth("GET /v1/triggers/{id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const world = await createWorld({ owner: { ...owner, account: owner.account } });
    const [trigger] = await processedTriggers(world.key, world.event.uid);
    return {
      method: "GET",
      path: `/v1/triggers/${trigger?.id}`,
      secrets: [world.event.uid],
    };
  },
});
