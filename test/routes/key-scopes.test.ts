import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWorldWithIntegration,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { triggersOf } from "../helpers/stored";

/**
 * Integration keys carry scopes (API.md §8): read-only by default; `attendees:write` lets a CRM
 * create, update and pay attendees of the integration's linked profiles, through the same routes
 * and checks as an admin key, and nothing else. The auth matrix (test/security) runs every route
 * with each scope.
 */

/** A linked profile with an attendee, an unlinked one with another, and a writing key. */
async function crmWorld() {
  const world = await createWorldWithIntegration();
  const { key, event, integration } = world;
  const ours = await createAttendee(key, event.uid, { firstname: "Ada" });
  const elsewhere = await createProfile(key);
  const foreignEvent = await createEvent(key, elsewhere.uid);
  const theirs = await createAttendee(key, foreignEvent.uid, { firstname: "Bob" });
  const crm = await createIntegrationKey(key, integration.id, {
    scopes: ["attendees:read", "attendees:write"],
  });
  return { ...world, ours, theirs, foreignEvent, crm: crm.key };
}

const storedFields = async (uid: string) => {
  const row = await env.DB.prepare("SELECT fields FROM attendees WHERE id = ?")
    .bind(uid)
    .first<{ fields: string }>();
  return JSON.parse(row?.fields ?? "null");
};

describe("a key with attendees:write", () => {
  it("updates an attendee of a linked profile, with its trigger, and not another profile's", async () => {
    const { ours, theirs, crm } = await crmWorld();
    const updated = await api("PATCH", `/v1/attendees/${ours.uid}`, {
      key: crm,
      body: { fields: { firstname: "Ada Lovelace" } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ uid: ours.uid, firstname: "Ada Lovelace" });
    expect(await storedFields(ours.uid)).toMatchObject({ firstname: "Ada Lovelace" });
    expect((await triggersOf(ours.uid, "guest.update")).length).toBe(1);

    const refused = await api("PATCH", `/v1/attendees/${theirs.uid}`, {
      key: crm,
      body: { fields: { firstname: "Mallory" } },
    });
    expectError(refused, 404, "NOT_FOUND");
    expect(await storedFields(theirs.uid)).toMatchObject({ firstname: "Bob" });
    expect(await triggersOf(theirs.uid, "guest.update")).toEqual([]);
  });

  it("creates attendees on linked events only, checked against the form like an admin's", async () => {
    const { event, foreignEvent, crm } = await crmWorld();
    const created = await api("POST", "/v1/attendees", {
      key: crm,
      body: { event_uid: event.uid, fields: { email: "crm@example.com", firstname: "Cy" } },
    });
    expect(created.status).toBe(201);
    const row = await env.DB.prepare("SELECT event_id FROM attendees WHERE id = ?")
      .bind(created.body.data.uid)
      .first();
    expect(row).toEqual({ event_id: event.uid });

    const foreign = await api("POST", "/v1/attendees", {
      key: crm,
      body: { event_uid: foreignEvent.uid, fields: { email: "x@example.com" } },
    });
    expect(expectError(foreign, 404, "NOT_FOUND").details).toEqual([
      { path: "event_uid", message: "No event with this uid in the account." },
    ]);
    const invalid = await api("POST", "/v1/attendees", {
      key: crm,
      body: { event_uid: event.uid, fields: { firstname: "No email" } },
    });
    expect(expectError(invalid, 422, "UNPROCESSABLE").details[0].path).toBe("fields.email");
    const count = await env.DB.prepare("SELECT count(*) AS n FROM attendees WHERE event_id = ?")
      .bind(foreignEvent.uid)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("records payments on linked attendees; deleting stays an admin's", async () => {
    const { key, ours, theirs, crm } = await crmWorld();
    const paid = await api("POST", `/v1/attendees/${ours.uid}/payments`, {
      key: crm,
      body: { amount: 10, method: "card" },
    });
    expect(paid.status).toBe(200);
    expect(paid.body.data).toMatchObject({ payment_amount: 10, payment_method: "card" });
    expectError(
      await api("POST", `/v1/attendees/${theirs.uid}/payments`, {
        key: crm,
        body: { amount: 10, method: "card" },
      }),
      404,
      "NOT_FOUND",
    );
    const deleting = await api("DELETE", `/v1/attendees/${ours.uid}`, { key: crm });
    expect(expectError(deleting, 403, "FORBIDDEN").message).toMatch(/attendees:write/);
    expect((await api("GET", `/v1/attendees/${ours.uid}`, { key })).status).toBe(200);
  });

  it("is refused on admin routes", async () => {
    const { profile, integration, crm } = await crmWorld();
    const refusals = [
      await api("GET", "/v1/account", { key: crm }),
      await api("POST", "/v1/profiles", { key: crm, body: { name: "Mine now" } }),
      await api("GET", `/v1/integrations/${integration.id}`, { key: crm }),
      await api("PUT", `/v1/profiles/${profile.uid}/integration`, {
        key: crm,
        body: { integration_id: integration.id },
      }),
    ];
    for (const refusal of refusals) expectError(refusal, 403, "FORBIDDEN");
  });
});

describe("scopes", () => {
  it("are read-only by default: a default key cannot write, and says which scope it lacks", async () => {
    const { key, event, integration } = await createWorldWithIntegration();
    const reader = await createIntegrationKey(key, integration.id);
    expect(reader.scopes).toEqual(["events:read", "attendees:read"]);
    const refused = await api("POST", "/v1/attendees", {
      key: reader.key,
      body: { event_uid: event.uid, fields: { email: "r@example.com" } },
    });
    expect(expectError(refused, 403, "FORBIDDEN").message).toBe(
      "This key does not have the `attendees:write` scope.",
    );
    const count = await env.DB.prepare("SELECT count(*) AS n FROM attendees WHERE event_id = ?")
      .bind(event.uid)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("limit reads too: an events-only key gets 403 on attendees", async () => {
    const { key, event, integration } = await createWorldWithIntegration();
    const eventsOnly = await createIntegrationKey(key, integration.id, { scopes: ["events:read"] });
    expect((await api("GET", `/v1/events/${event.uid}`, { key: eventsOnly.key })).status).toBe(200);
    const attendees = await api("GET", "/v1/attendees", { key: eventsOnly.key });
    expect(expectError(attendees, 403, "FORBIDDEN").message).toMatch(/attendees:read/);
    const writer = await createIntegrationKey(key, integration.id, { scopes: ["attendees:write"] });
    const events = await api("GET", "/v1/events", { key: writer.key });
    expect(expectError(events, 403, "FORBIDDEN").message).toMatch(/events:read/);
  });

  it("refuses unknown, repeated or no scopes, naming the field, and stores no key", async () => {
    const { key, integration } = await createWorldWithIntegration();
    const path = `/v1/integrations/${integration.id}/keys` as const;
    for (const scopes of [["attendees:delete"], ["events:read", "events:read"], []]) {
      const refused = await api("POST", path, { key, body: { scopes } as never });
      const paths = expectError(refused, 400, "VALIDATION_FAILED").details.map((d) => d.path);
      expect(paths[0]).toMatch(/^scopes/);
    }
    const keys = await env.DB.prepare("SELECT count(*) AS n FROM api_keys WHERE integration_id = ?")
      .bind(integration.id)
      .first<{ n: number }>();
    expect(keys?.n).toBe(0);
  });

  it("carry over to the key a rotation makes", async () => {
    const { key, integration } = await createWorldWithIntegration();
    const writer = await createIntegrationKey(key, integration.id, {
      scopes: ["attendees:read", "attendees:write"],
    });
    const rotated = await api(
      "POST",
      `/v1/integrations/${integration.id}/keys/${writer.id}/rotate`,
      { key, body: { grace_seconds: 60 } },
    );
    expect(rotated.body.data.scopes).toEqual(["attendees:read", "attendees:write"]);
  });
});

describe("key expiry", () => {
  it("a key made to expire works until then, then answers 401 saying it expired", async () => {
    const { key, integration } = await createWorldWithIntegration();
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const temporary = await createIntegrationKey(key, integration.id, { expires_at: expiresAt });
    expect(temporary.expires_at).toBe(expiresAt);
    expect((await api("GET", "/v1/events", { key: temporary.key })).status).toBe(200);

    // Its end comes (the row is moved back rather than the test waiting a month).
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), temporary.id)
      .run();
    const expired = await api("GET", "/v1/events", { key: temporary.key });
    expect(expectError(expired, 401, "UNAUTHORIZED").message).toBe("This key has expired.");
  });

  it("refuses an expiry in the past, naming expires_at", async () => {
    const { key, integration } = await createWorldWithIntegration();
    const refused = await api("POST", `/v1/integrations/${integration.id}/keys`, {
      key,
      body: { expires_at: "2020-01-01T00:00:00Z" },
    });
    expect(expectError(refused, 400, "VALIDATION_FAILED").details).toEqual([
      { path: "expires_at", message: "Must be in the future." },
    ]);
  });
});

describe("api_access", () => {
  it("is off for a new integration unless asked: its keys get 403 until it is turned on", async () => {
    const { key, profile } = await createWorldWithIntegration();
    const created = await api("POST", "/v1/integrations", {
      key,
      body: { name: "Badges", profile_uids: [profile.uid] },
    });
    expect(created.body.data.api_access).toBe(false);
    const live = await createIntegrationKey(key, created.body.data.id);
    const refused = await api("GET", "/v1/events", { key: live.key });
    expect(expectError(refused, 403, "FORBIDDEN").message).toBe(
      "API access is turned off for this integration.",
    );
    await api("PATCH", `/v1/integrations/${created.body.data.id}`, {
      key,
      body: { api_access: true },
    });
    expect((await api("GET", "/v1/events", { key: live.key })).status).toBe(200);
    const explicit = await createIntegration(key, { name: "CRM" });
    expect(explicit.api_access).toBe(true);
  });
});
