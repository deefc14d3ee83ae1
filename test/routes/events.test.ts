import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { EVENT_CHANGED, findEvent, updateEvent } from "../../src/db/queries/events";
import type { FormField } from "../../src/lib/types";
import { applyFormChange, patchEvent } from "../../src/services/events";
import {
  activate,
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWorld,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { realDeps } from "../helpers/deps";
import { describeAuth } from "../helpers/describe-auth";
import { triggersOf } from "../helpers/stored";

const BASE = {
  name: "Summit",
  start_date: "2026-06-12T07:00:00Z",
  end_date: "2026-06-13T16:00:00Z",
};

const uids = (body: { data: { uid: string }[] }) => body.data.map((e) => e.uid);

describe("POST /v1/events", () => {
  it("creates an event with the documented defaults and records event.create", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const response = await api("POST", "/v1/events", {
      key,
      body: { profile_uid: profile.uid, ...BASE },
    });
    expect(response.status).toBe(201);
    const event = response.body.data;
    expect(event).toEqual({
      uid: expect.stringMatching(/^evt_[0-9a-z]{20}$/),
      profile_uid: profile.uid,
      name: "Summit",
      status: "NotReady",
      start_date: "2026-06-12T07:00:00.000Z",
      end_date: "2026-06-13T16:00:00.000Z",
      timezone: "UTC",
      currency: "EUR",
      languages: ["en"],
      location: { name: null, street: null, zip_code: null, city: null, country: null },
      capacity: null,
      guest_count: 0,
      fields: [
        { name: "email", label: "E-mail", type: "email", required: true, locked: false },
        { name: "firstname", label: "First name", type: "text", required: false, locked: false },
        { name: "lastname", label: "Last name", type: "text", required: false, locked: false },
      ],
      created_at: expect.any(String),
      updated_at: event.created_at,
    });
    const triggers = await triggersOf(event.uid);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({ trigger: "event.create", eventId: event.uid });
    expect(triggers[0].snapshot).toEqual(event);
  });

  it("stores every given property", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const body = {
      profile_uid: profile.uid,
      ...BASE,
      start_date: "2026-06-12T09:00:00+02:00",
      status: "Registering",
      timezone: "Europe/Brussels",
      currency: "USD",
      languages: ["fr", "en"],
      location: { name: "Hall", city: "Brussels", country: "BE" },
      capacity: 10,
      fields: [
        { name: "email", label: "Mail", type: "email", required: true },
        { name: "diet", type: "select", options: [{ value: "veg", label: "Veggie" }] },
      ],
    };
    const event = (await api("POST", "/v1/events", { key, body })).body.data;
    expect(event).toMatchObject({
      status: "Registering",
      start_date: "2026-06-12T07:00:00.000Z",
      timezone: "Europe/Brussels",
      currency: "USD",
      languages: ["fr", "en"],
      location: { name: "Hall", street: null, zip_code: null, city: "Brussels", country: "BE" },
      capacity: 10,
      fields: [
        { name: "email", label: "Mail", type: "email", required: true, locked: false },
        {
          name: "diet",
          label: "diet",
          type: "select",
          required: false,
          locked: false,
          options: [{ value: "veg", label: "Veggie" }],
        },
      ],
    });
    expect((await api("GET", `/v1/events/${event.uid}`, { key })).body.data).toEqual(event);
  });

  it("names each invalid property", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const cases: [Record<string, unknown>, string][] = [
      [{ end_date: "2026-06-11T00:00:00Z" }, "end_date"],
      [{ start_date: "tomorrow" }, "start_date"],
      [{ timezone: "Mars/Olympus" }, "timezone"],
      [{ currency: "eur" }, "currency"],
      [{ languages: [] }, "languages"],
      [{ languages: ["english"] }, "languages.0"],
      [{ status: "Open" }, "status"],
      [{ capacity: -1 }, "capacity"],
      [{ location: { country: "be" } }, "location.country"],
      [{ fields: [{ name: "Email", type: "email" }] }, "fields.0.name"],
      [{ fields: [{ name: "uid", type: "text" }] }, "fields.0.name"],
      [{ fields: [{ name: "payment_status", type: "text" }] }, "fields.0.name"],
      [
        {
          fields: [
            { name: "a", type: "text" },
            { name: "a", type: "number" },
          ],
        },
        "fields.1.name",
      ],
      [{ fields: [{ name: "a", type: "select" }] }, "fields.0.options"],
      [{ fields: [{ name: "a", type: "multiselect", options: [] }] }, "fields.0.options"],
      [
        { fields: [{ name: "a", type: "text", options: [{ value: "x", label: "X" }] }] },
        "fields.0.options",
      ],
      [{ fields: [{ name: "a", type: "colour" }] }, "fields.0.type"],
      [{ fields: [{ name: "a", type: "text", locked: true }] }, "fields.0.locked"],
      [{ guest_count: 3 }, "guest_count"],
    ];
    for (const [patch, path] of cases) {
      const response = await api("POST", "/v1/events", {
        key,
        body: { profile_uid: profile.uid, ...BASE, ...patch },
      });
      const error = expectError(response, 400, "VALIDATION_FAILED");
      expect(
        error.details.map((d) => d.path),
        JSON.stringify(patch),
      ).toContain(path);
    }
    const missing = await api("POST", "/v1/events", { key, body: { name: "x" } });
    const paths = expectError(missing, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(["end_date", "profile_uid", "start_date"]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE profile_id = ?")
      .bind(profile.uid)
      .first();
    expect(count?.n).toBe(0);
  });

  it("answers 404 for a profile_uid not of the account", async () => {
    const { key } = await createAccount();
    const other = await createAccount();
    const foreign = await createProfile(other.key);
    for (const profile_uid of ["prf_unknown", foreign.uid]) {
      const response = await api("POST", "/v1/events", { key, body: { profile_uid, ...BASE } });
      expect(expectError(response, 404, "NOT_FOUND").details[0].path).toBe("profile_uid");
    }
  });

  it("adds the active integration's fixed fields, locked", async () => {
    const { key } = await createAccount();
    const profile = await createProfile(key);
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: {
        fields: [{ name: "vat", label: "VAT", type: "text", required: true }],
      },
    });
    await activate(key, profile.uid, integration.id);
    const event = await createEvent(key, profile.uid);
    expect(event.fields.map((f) => [f.name, f.locked])).toEqual([
      ["email", false],
      ["firstname", false],
      ["lastname", false],
      ["vat", true],
    ]);
  });

  it("refuses an integration key (403)", async () => {
    const { key, profile } = await createWorld();
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    const response = await api("POST", "/v1/events", {
      key: reader.key,
      body: { profile_uid: profile.uid, ...BASE },
    });
    expectError(response, 403, "FORBIDDEN");
  });
});

describe("GET /v1/events", () => {
  it("pages oldest first and filters on profile_uid, uid, status and updated_since", async () => {
    const { key } = await createAccount();
    const p1 = await createProfile(key);
    const p2 = await createProfile(key);
    const a = await createEvent(key, p1.uid);
    const b = await createEvent(key, p2.uid, { status: "Registering" });
    const c = await createEvent(key, p1.uid, { status: "Registering" });

    const page1 = await api("GET", "/v1/events?page_size=2", { key });
    expect(uids(page1.body)).toEqual([a.uid, b.uid]);
    expect(page1.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    const page2 = await api("GET", "/v1/events?page_size=2&page=2", { key });
    expect(uids(page2.body)).toEqual([c.uid]);
    const beyond = await api("GET", "/v1/events?page=9", { key });
    expect(beyond.body).toEqual({
      data: [],
      meta: { page: 9, page_size: 50, total: 3, last_page: 1 },
    });

    expect(uids((await api("GET", `/v1/events?profile_uid=${p1.uid}`, { key })).body)).toEqual([
      a.uid,
      c.uid,
    ]);
    expect(uids((await api("GET", `/v1/events?uid=${b.uid}`, { key })).body)).toEqual([b.uid]);
    expect(uids((await api("GET", `/v1/events?uid=${c.uid},${a.uid}`, { key })).body)).toEqual([
      a.uid,
      c.uid,
    ]);
    expect(uids((await api("GET", "/v1/events?status=Registering", { key })).body)).toEqual([
      b.uid,
      c.uid,
    ]);
    const both = await api("GET", `/v1/events?status=Registering&profile_uid=${p2.uid}`, { key });
    expect(uids(both.body)).toEqual([b.uid]);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const patched = await api("PATCH", `/v1/events/${a.uid}`, { key, body: { name: "Later" } });
    const since = encodeURIComponent(patched.body.data.updated_at);
    const recent = await api("GET", `/v1/events?updated_since=${since}`, { key });
    expect(uids(recent.body)).toEqual([a.uid]);
    expect(recent.body.meta.total).toBe(1);
  });

  it("refuses bad filters", async () => {
    const { key } = await createAccount();
    const bad = await api("GET", "/v1/events?status=Open&page_size=0", { key });
    const paths = expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(["page_size", "status"]);
  });

  it("shows an integration key only the linked profiles' events", async () => {
    const { key } = await createAccount();
    const linked = await createProfile(key);
    const unlinked = await createProfile(key);
    const mine = await createEvent(key, linked.uid);
    await createEvent(key, unlinked.uid);
    const integration = await createIntegration(key, { profile_uids: [linked.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    const list = await api("GET", "/v1/events", { key: reader.key });
    expect(uids(list.body)).toEqual([mine.uid]);
    expect(list.body.meta.total).toBe(1);
    const filtered = await api("GET", `/v1/events?profile_uid=${unlinked.uid}`, {
      key: reader.key,
    });
    expect(filtered.body.data).toEqual([]);

    const unlinkedIntegration = await createIntegration(key);
    const nothing = await createIntegrationKey(key, unlinkedIntegration.id);
    expect((await api("GET", "/v1/events", { key: nothing.key })).body.meta.total).toBe(0);

    const offIntegration = await createIntegration(key, {
      profile_uids: [linked.uid],
      api_access: false,
    });
    const off = await createIntegrationKey(key, offIntegration.id);
    expectError(await api("GET", "/v1/events", { key: off.key }), 403, "FORBIDDEN");
  });
});

describe("GET /v1/events/{uid} and /fields", () => {
  it("reads an event and its form; integration keys only for linked profiles", async () => {
    const { key, profile, event } = await createWorld();
    expect((await api("GET", `/v1/events/${event.uid}`, { key })).body.data).toEqual(event);
    expect((await api("GET", `/v1/events/${event.uid}/fields`, { key })).body).toEqual({
      data: event.fields,
    });

    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    expect((await api("GET", `/v1/events/${event.uid}`, { key: reader.key })).body.data).toEqual(
      event,
    );
    expect(
      (await api("GET", `/v1/events/${event.uid}/fields`, { key: reader.key })).body.data,
    ).toEqual(event.fields);

    const unlinked = await createIntegration(key);
    const stranger = await createIntegrationKey(key, unlinked.id);
    for (const path of [`/v1/events/${event.uid}`, `/v1/events/${event.uid}/fields`] as const) {
      expectError(await api("GET", path, { key: stranger.key }), 404, "NOT_FOUND");
    }
    expectError(await api("GET", "/v1/events/evt_unknown", { key }), 404, "NOT_FOUND");
    expectError(await api("GET", "/v1/events/evt_unknown/fields", { key }), 404, "NOT_FOUND");
  });
});

describe("PATCH /v1/events/{uid}", () => {
  it("updates the given properties and records one event.update", async () => {
    const { key, event } = await createWorld();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const response = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: {
        name: "Renamed",
        status: "Published",
        capacity: 5,
        location: { city: "Ghent" },
        fields: [{ name: "email", type: "email", required: true }],
      },
    });
    expect(response.status).toBe(200);
    const updated = response.body.data;
    expect(updated).toEqual({
      ...event,
      name: "Renamed",
      status: "Published",
      capacity: 5,
      location: { ...event.location, city: "Ghent" },
      fields: [{ name: "email", label: "email", type: "email", required: true, locked: false }],
      updated_at: expect.any(String),
    });
    expect(updated.updated_at > event.updated_at).toBe(true);
    expect((await api("GET", `/v1/events/${event.uid}`, { key })).body.data).toEqual(updated);

    const triggers = await triggersOf(event.uid);
    expect(triggers.map((t) => t.trigger)).toEqual(["event.create", "event.update"]);
    expect(triggers[1].snapshot).toEqual(updated);

    const cleared = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { capacity: null, location: null },
    });
    expect(cleared.body.data).toMatchObject({ capacity: null, location: event.location });
  });

  it("checks end_date against the stored start_date, and refuses profile_uid", async () => {
    const { key, event } = await createWorld();
    const early = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { end_date: "2026-06-01T00:00:00Z" },
    });
    expect(expectError(early, 400, "VALIDATION_FAILED").details).toEqual([
      { path: "end_date", message: expect.any(String) },
    ]);
    const move = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { profile_uid: "prf_other" },
    });
    expectError(move, 400, "VALIDATION_FAILED");
    const bad = await api("PATCH", `/v1/events/${event.uid}`, { key, body: { timezone: "CEST" } });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details[0].path).toBe("timezone");
    expect((await triggersOf(event.uid)).map((t) => t.trigger)).toEqual(["event.create"]);
    expectError(
      await api("PATCH", "/v1/events/evt_unknown", { key, body: { name: "x" } }),
      404,
      "NOT_FOUND",
    );
  });

  it("keeps locked fields: removing or changing one is a 409 naming it", async () => {
    const fixed = { name: "vat", label: "VAT", type: "text", required: true } as const;
    // The event is created with the active integration's fixed field, locked.
    const { key, event } = await createWorld({
      integration: { fixed_configuration: { fields: [fixed] } },
    });
    const vat = { ...fixed, locked: true };
    expect(event.fields.at(-1)).toEqual(vat);
    const base = [{ name: "email", type: "email", required: true }];

    const removed = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: base },
    });
    expect(expectError(removed, 409, "CONFLICT").details).toEqual([
      { path: "fields.vat", message: expect.stringContaining('"vat"') },
    ]);
    const changed = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: [...base, { ...vat, required: false }] },
    });
    expect(expectError(changed, 409, "CONFLICT").details[0].path).toBe("fields.vat");
    const unlocked = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: [...base, { ...vat, locked: false }] },
    });
    expectError(unlocked, 409, "CONFLICT");

    const kept = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: [...base, { ...vat, label: "VAT number" }] },
    });
    expect(kept.status).toBe(200);
    expect(kept.body.data.fields.at(-1)).toEqual({ ...vat, label: "VAT number", locked: true });

    const selfLocked = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: [...base, vat, { name: "x", type: "text", locked: true }] },
    });
    expect(expectError(selfLocked, 400, "VALIDATION_FAILED").details[0].path).toBe(
      "fields.2.locked",
    );
  });
});

describe("PATCH /v1/events/{uid} against concurrent changes", () => {
  it("two PATCHes at once both apply: neither writes back what it read before the other", async () => {
    const { account, key, event } = await createWorld();
    await Promise.all([
      patchEvent(realDeps(), account.id, event.uid, { name: "Renamed" }),
      patchEvent(realDeps(), account.id, event.uid, { status: "Registering" }),
    ]);
    const read = await api("GET", `/v1/events/${event.uid}`, { key });
    expect(read.body.data).toMatchObject({ name: "Renamed", status: "Registering" });
    const updates = (await triggersOf(event.uid)).filter((t) => t.trigger === "event.update");
    expect(updates).toHaveLength(2);
  });

  it("writes nothing when the event changed since it was read, or guests passed the new capacity", async () => {
    const { account, key, event } = await createWorld();
    const db = createDb(env.DB);
    const read = await findEvent(db, account.id, event.uid);
    if (!read) throw new Error("event missing");
    const { id, accountId, profileId, guestCount, createdAt, ...values } = read;
    await api("PATCH", `/v1/events/${event.uid}`, { key, body: { name: "Fresh" } });
    const stale = { ...values, name: "Stale", updatedAt: new Date().toISOString() };
    await expect(db.batch([updateEvent(db, id, stale, read.updatedAt)])).rejects.toThrow(
      EVENT_CHANGED,
    );
    expect((await findEvent(db, accountId, id))?.name).toBe("Fresh");

    await createAttendee(key, event.uid);
    await createAttendee(key, event.uid);
    const current = await findEvent(db, accountId, id);
    if (!current) throw new Error("event missing");
    const belowGuests = { ...values, capacity: 1, updatedAt: new Date().toISOString() };
    await expect(db.batch([updateEvent(db, id, belowGuests, current.updatedAt)])).rejects.toThrow(
      EVENT_CHANGED,
    );
    expect(await findEvent(db, accountId, id)).toMatchObject({
      capacity: null,
      guestCount: guestCount + 2,
      profileId,
      createdAt,
    });
  });
});

describe("applyFormChange", () => {
  const locked: FormField = {
    name: "tier",
    label: "Tier",
    type: "select",
    required: true,
    locked: true,
    options: [{ value: "a", label: "A" }],
  };
  const plain: FormField = {
    name: "note",
    label: "Note",
    type: "text",
    required: false,
    locked: false,
  };

  it("keeps locks and lets unlocked fields change freely", () => {
    const result = applyFormChange([plain, locked], [{ ...locked, locked: undefined }]);
    expect(result).toEqual({ fields: [locked], conflicts: [], invalid: [] });
  });

  it("reports each locked field removed or changed, by name", () => {
    const other: FormField = { ...locked, name: "zone" };
    const result = applyFormChange([locked, other], [{ ...locked, options: [] }]);
    expect(result.conflicts.map((c) => c.path).sort()).toEqual(["fields.tier", "fields.zone"]);
    expect(applyFormChange([locked], [{ ...locked, type: "multiselect" }]).conflicts).toHaveLength(
      1,
    );
  });

  it("refuses a client-made lock", () => {
    const result = applyFormChange([plain], [{ ...plain, locked: true }]);
    expect(result.invalid).toEqual([{ path: "fields.0.locked", message: expect.any(String) }]);
  });
});

describe("DELETE /v1/events/{uid}", () => {
  it("deletes the event and records event.delete with its last state", async () => {
    const { key, event } = await createWorld();
    expect((await api("DELETE", `/v1/events/${event.uid}`, { key })).status).toBe(204);
    expectError(await api("GET", `/v1/events/${event.uid}`, { key }), 404, "NOT_FOUND");
    const triggers = await triggersOf(event.uid);
    expect(triggers.map((t) => t.trigger)).toEqual(["event.create", "event.delete"]);
    expect(triggers[1].snapshot).toEqual(event);
    expectError(await api("DELETE", `/v1/events/${event.uid}`, { key }), 404, "NOT_FOUND");
  });
});

describeAuth("POST /v1/events", {
  otherAccount: 404,
  setup: async (owner) => {
    const profile = await createProfile(owner.key);
    return {
      method: "POST",
      path: "/v1/events",
      body: { profile_uid: profile.uid, ...BASE },
      secrets: [profile.uid],
    };
  },
});
describeAuth("GET /v1/events", {
  otherAccount: "own",
  setup: async (owner) => {
    const profile = await createProfile(owner.key);
    const event = await createEvent(owner.key, profile.uid);
    return { method: "GET", path: "/v1/events", secrets: [event.uid, profile.uid] };
  },
});
for (const [method, suffix, body] of [
  ["GET", "", undefined],
  ["PATCH", "", { name: "x" }],
  ["DELETE", "", undefined],
  ["GET", "/fields", undefined],
] as const) {
  describeAuth(`${method} /v1/events/{uid}${suffix}`, {
    otherAccount: 404,
    setup: async (owner) => {
      const profile = await createProfile(owner.key);
      const event = await createEvent(owner.key, profile.uid);
      return { method, path: `/v1/events/${event.uid}${suffix}`, body, secrets: [event.uid] };
    },
  });
}

describe("integration keys on event writes", () => {
  it("are refused (403) even for linked profiles", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    const patch = await api("PATCH", `/v1/events/${event.uid}`, {
      key: reader.key,
      body: { name: "x" },
    });
    expectError(patch, 403, "FORBIDDEN");
    expectError(
      await api("DELETE", `/v1/events/${event.uid}`, { key: reader.key }),
      403,
      "FORBIDDEN",
    );
  });
});
