import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { type EventRow, findEvent } from "../../src/db/queries/events";
import { rememberEvent } from "../../src/services/known-events";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
} from "../factories";
import { api, expectError, request } from "../helpers/api";
import { triggersOf } from "../helpers/stored";

/**
 * A create writes from the event this isolate remembers (src/services/known-events.ts), guarded
 * in its batch. Another isolate's change is played here by changing the event through the API
 * and then making this isolate remember it as it was before: what a stale memory must never do
 * is write what the event as it is now would refuse.
 */

/** The form of the tests' events: the fields the attendee factory fills. */
const FORM = [
  { name: "email", type: "email", required: true },
  { name: "firstname", type: "text" },
] as const;

type Stored = { guests: number; guestCount: number | undefined };

async function stored(eventUid: string): Promise<Stored> {
  const guests = await env.DB.prepare("SELECT count(*) AS n FROM attendees WHERE event_id = ?")
    .bind(eventUid)
    .first<{ n: number }>();
  const event = await env.DB.prepare("SELECT guest_count FROM events WHERE id = ?")
    .bind(eventUid)
    .first<{ guest_count: number }>();
  return { guests: guests?.n ?? 0, guestCount: event?.guest_count };
}

/** The event's row as this isolate would read it now. */
async function eventRow(accountId: string, eventUid: string): Promise<EventRow> {
  const row = await findEvent(createDb(env.DB), accountId, eventUid);
  if (!row) throw new Error(`no event ${eventUid}`);
  return row;
}

/** A guest created with only an e-mail, answered as it is (errors included). */
function registerGuest(key: string, eventUid: string, email: string) {
  return request("POST", "/v1/attendees", {
    key,
    body: { event_uid: eventUid, fields: { email } },
  });
}

async function eventWithGuest() {
  const { key, account } = await createAccount();
  const profile = await createProfile(key);
  const event = await createEvent(key, profile.uid, { languages: ["en"], fields: [...FORM] });
  // The first guest makes sure the isolate has read the event as it is.
  await createAttendee(key, event.uid);
  return { key, account, profile, event, before: await eventRow(account.id, event.uid) };
}

describe("a create from an event remembered before another isolate changed it", () => {
  it("checks the guest against the form as it is now: a field made required meanwhile is required", async () => {
    const { key, event, before } = await eventWithGuest();
    const patched = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: [...FORM, { name: "company", type: "text", required: true }] },
    });
    expect(patched.status).toBe(200);
    rememberEvent(before);
    const was = await stored(event.uid);

    const response = await registerGuest(key, event.uid, "late@example.com");

    const error = expectError(response, 422, "UNPROCESSABLE");
    expect(error.details).toEqual([{ path: "fields.company", message: expect.any(String) }]);
    expect(await stored(event.uid)).toEqual(was);
  });

  it("accepts what the event accepts now although the remembered form refused it", async () => {
    const { key, event, before } = await eventWithGuest();
    await api("PATCH", `/v1/events/${event.uid}`, { key, body: { languages: ["en", "it"] } });
    rememberEvent(before);

    const response = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, language: "it", fields: { email: "it@example.com" } },
    });

    expect(response.status).toBe(201);
    expect(response.body.data.language).toBe("it");
  });

  it("answers and records the event as it is now (its new name in the body and the trigger)", async () => {
    const { key, event, before } = await eventWithGuest();
    await api("PATCH", `/v1/events/${event.uid}`, { key, body: { name: "Renamed" } });
    rememberEvent(before);

    const response = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, fields: { email: "renamed@example.com" } },
    });

    expect(response.status).toBe(201);
    expect(response.body.data.event_name).toBe("Renamed");
    const [trigger] = await triggersOf(response.body.data.uid, "guest.create");
    expect(trigger.snapshot.event_name).toBe("Renamed");
    expect(await stored(event.uid)).toEqual({ guests: 2, guestCount: 2 });
  });

  it("answers 404 for an event deleted meanwhile and writes nothing", async () => {
    const { key, event, before } = await eventWithGuest();
    expect((await request("DELETE", `/v1/events/${event.uid}`, { key })).status).toBe(204);
    rememberEvent(before);

    const response = await registerGuest(key, event.uid, "ghost@example.com");

    const error = expectError(response, 404, "NOT_FOUND");
    expect(error.details).toEqual([{ path: "event_uid", message: expect.any(String) }]);
    expect(await stored(event.uid)).toEqual({ guests: 0, guestCount: undefined });
    // The first guest's trigger only: no guest.create of a guest that was never stored.
    const creates = await env.DB.prepare(
      "SELECT count(*) AS n FROM triggers WHERE event_id = ? AND trigger = 'guest.create'",
    )
      .bind(event.uid)
      .first<{ n: number }>();
    expect(creates?.n).toBe(1);
  });

  it("still counts the guest against the capacity on the primary (409, nothing written)", async () => {
    const { key, event } = await eventWithGuest();
    await api("PATCH", `/v1/events/${event.uid}`, { key, body: { capacity: 1 } });

    const response = await registerGuest(key, event.uid, "full@example.com");

    expectError(response, 409, "CONFLICT");
    expect(await stored(event.uid)).toEqual({ guests: 1, guestCount: 1 });
  });
});

describe("an integration key's create from a remembered event", () => {
  async function keyedWorld() {
    const world = await eventWithGuest();
    const integration = await createIntegration(world.key, { profile_uids: [world.profile.uid] });
    const live = await createIntegrationKey(world.key, integration.id, {
      scopes: ["attendees:read", "attendees:write"],
    });
    // The key's first create: the isolate knows the key and the event from here on.
    await createAttendee(live.key, world.event.uid);
    return { ...world, integration, live };
  }

  it("answers 404 once the event's profile is unlinked from the integration, and writes nothing", async () => {
    const { key, event, integration, live } = await keyedWorld();
    const unlinked = await api("PATCH", `/v1/integrations/${integration.id}`, {
      key,
      body: { profile_uids: [] },
    });
    expect(unlinked.status).toBe(200);
    const was = await stored(event.uid);

    const response = await registerGuest(live.key, event.uid, "unlinked@example.com");

    expectError(response, 404, "NOT_FOUND");
    expect(await stored(event.uid)).toEqual(was);
  });

  it("answers 403 once the integration's API access is off, and writes nothing", async () => {
    const { key, event, integration, live } = await keyedWorld();
    await api("PATCH", `/v1/integrations/${integration.id}`, { key, body: { api_access: false } });
    const was = await stored(event.uid);

    const response = await registerGuest(live.key, event.uid, "off@example.com");

    const error = expectError(response, 403, "FORBIDDEN");
    expect(error.message).toMatch(/API access is turned off/);
    expect(await stored(event.uid)).toEqual(was);
  });

  it("answers 401 once the key is revoked, and writes nothing", async () => {
    const { key, event, integration, live } = await keyedWorld();
    const revoked = await request("DELETE", `/v1/integrations/${integration.id}/keys/${live.id}`, {
      key,
    });
    expect(revoked.status).toBe(204);
    const was = await stored(event.uid);

    const response = await registerGuest(live.key, event.uid, "revoked@example.com");

    expectError(response, 401, "UNAUTHORIZED");
    expect(await stored(event.uid)).toEqual(was);
  });
});
