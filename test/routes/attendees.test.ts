import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { components } from "../../clients/typescript/src/schema";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWorld,
} from "../factories";
import { api, expectError, request } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { triggersOf } from "../helpers/stored";

// A read is an AttendeeRead (it may be mapped): `uid` is not known to its type.
const uids = (body: { data: { uid?: unknown }[] }) => body.data.map((a) => a.uid);

async function storedGuestCount(eventUid: string) {
  const row = await env.DB.prepare("SELECT guest_count FROM events WHERE id = ?")
    .bind(eventUid)
    .first<{ guest_count: number }>();
  return row?.guest_count;
}

const FORM: components["schemas"]["FormFieldInput"][] = [
  { name: "email", type: "email", required: true },
  { name: "firstname", type: "text" },
  { name: "lastname", type: "text" },
  { name: "age", type: "number" },
  { name: "diet", type: "select", options: [{ value: "veg", label: "Vegetarian" }] },
  {
    name: "tags",
    type: "multiselect",
    options: [
      { value: "a", label: "A" },
      { value: "b", label: "B" },
    ],
  },
  { name: "country", type: "country" },
];

describe("POST /v1/attendees", () => {
  it("creates a flat attendee, counts it and records guest.create", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { languages: ["fr", "en"], fields: FORM });
    const response = await api("POST", "/v1/attendees", {
      key,
      body: {
        event_uid: event.uid,
        amount_tax_excl: 100,
        amount_tax: 21,
        fields: { email: "jane@example.com", firstname: "Jane", diet: "veg", tags: ["a", "b"] },
      },
    });
    expect(response.status).toBe(201);
    const attendee = response.body.data;
    expect(attendee).toEqual({
      uid: expect.stringMatching(/^gst_[0-9a-z]{20}$/),
      event_uid: event.uid,
      profile_uid: profile.uid,
      event_name: event.name,
      event_start_date: event.start_date,
      event_end_date: event.end_date,
      language: "fr",
      registration_status: "Complete",
      payment_status: "Unpaid",
      payment_method: null,
      payment_date: null,
      payment_amount: 0,
      amount_tax_excl: 100,
      amount_tax: 21,
      amount_tax_incl: 121,
      check_ins: 0,
      first_check_in_at: null,
      created_at: expect.any(String),
      updated_at: attendee.created_at,
      email: "jane@example.com",
      firstname: "Jane",
      lastname: null,
      age: null,
      diet: "veg",
      tags: ["a", "b"],
      country: null,
    });
    // System fields first, then the form in its order.
    expect(Object.keys(attendee).slice(-7)).toEqual(FORM.map((f) => f.name));
    expect(await storedGuestCount(event.uid)).toBe(1);
    expect((await api("GET", `/v1/events/${event.uid}`, { key })).body.data.guest_count).toBe(1);

    const triggers = await triggersOf(attendee.uid);
    expect(triggers).toHaveLength(1);
    expect(triggers[0]).toMatchObject({
      trigger: "guest.create",
      eventId: event.uid,
      cause: null,
    });
    expect(triggers[0].snapshot).toEqual(attendee);
    expect((await api("GET", `/v1/attendees/${attendee.uid}`, { key })).body.data).toEqual(
      attendee,
    );
  });

  it("takes language and registration_status when given", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { languages: ["fr", "en"] });
    const attendee = await createAttendee(
      key,
      event.uid,
      {},
      {
        language: "en",
        registration_status: "Waiting",
      },
    );
    expect(attendee).toMatchObject({ language: "en", registration_status: "Waiting" });
    const wrong = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, language: "de", fields: { email: "a@b.co" } },
    });
    expect(expectError(wrong, 422, "UNPROCESSABLE").details).toEqual([
      { path: "language", message: expect.any(String) },
    ]);
  });

  it("treats a form field named like an Object property (constructor) as any other", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, {
      fields: [
        { name: "email", label: "E-mail", type: "email", required: true },
        { name: "constructor", label: "Builder", type: "text" },
      ],
    });
    const created = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, fields: { email: "a@example.com" } },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ email: "a@example.com", constructor: null });
    const read = await api("GET", `/v1/attendees/${created.body.data.uid}`, { key });
    expect(read.body.data.constructor).toBeNull();
  });

  it("answers 422 with one detail per problem against the form", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { fields: FORM });
    const response = await api("POST", "/v1/attendees", {
      key,
      body: {
        event_uid: event.uid,
        fields: {
          nickname: "JJ",
          firstname: 42,
          age: "forty",
          diet: "vegan",
          tags: ["a", "z"],
          country: "be",
        },
      },
    });
    const error = expectError(response, 422, "UNPROCESSABLE");
    expect(error.details.map((d) => d.path)).toEqual([
      "fields.nickname",
      "fields.email",
      "fields.firstname",
      "fields.age",
      "fields.diet",
      "fields.tags",
      "fields.country",
    ]);
    expect(await storedGuestCount(event.uid)).toBe(0);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM attendees WHERE event_id = ?")
      .bind(event.uid)
      .first();
    expect(count?.n).toBe(0);
  });

  it("answers 400 on schema errors and 404 for an unknown event", async () => {
    const { key, event } = await createWorld();
    const bad = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, amount_tax: -1, registration_status: "Done", fields: [] },
    });
    const paths = expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(["amount_tax", "fields", "registration_status"]);
    const missing = await api("POST", "/v1/attendees", { key, body: { fields: {} } });
    expect(expectError(missing, 400, "VALIDATION_FAILED").details[0].path).toBe("event_uid");
    const unknown = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: "evt_unknown", fields: { email: "a@b.co" } },
    });
    expect(expectError(unknown, 404, "NOT_FOUND").details[0].path).toBe("event_uid");
  });

  it("refuses a guest over capacity (409) and keeps guest_count exact", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { capacity: 2 });
    await createAttendee(key, event.uid);
    await createAttendee(key, event.uid);
    const full = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, fields: { email: "late@example.com" } },
    });
    expectError(full, 409, "CONFLICT");
    expect(await storedGuestCount(event.uid)).toBe(2);
  });

  it("never passes the capacity under concurrent creates", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { capacity: 3 });
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api("POST", "/v1/attendees", {
          key,
          body: { event_uid: event.uid, fields: { email: `g${i}@example.com` } },
        }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of responses.filter((r) => r.status !== 201)) expectError(r, 409, "CONFLICT");
    expect(await storedGuestCount(event.uid)).toBe(3);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM attendees WHERE event_id = ?")
      .bind(event.uid)
      .first();
    expect(rows?.n).toBe(3);
    const recorded = await env.DB.prepare(
      "SELECT count(*) AS n FROM triggers WHERE event_id = ? AND trigger = 'guest.create'",
    )
      .bind(event.uid)
      .first();
    expect(recorded?.n).toBe(3);
  });

  it("replays an idempotent create without a second guest", async () => {
    const { key, event } = await createWorld();
    const headers = { "idempotency-key": crypto.randomUUID() };
    const body = { event_uid: event.uid, fields: { email: "once@example.com" } };
    const first = await api("POST", "/v1/attendees", { key, body, headers });
    const second = await api("POST", "/v1/attendees", { key, body, headers });
    expect(second.body).toEqual(first.body);
    expect(await storedGuestCount(event.uid)).toBe(1);
  });

  it("refuses an integration key (403)", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    const response = await api("POST", "/v1/attendees", {
      key: reader.key,
      body: { event_uid: event.uid, fields: { email: "a@b.co" } },
    });
    expectError(response, 403, "FORBIDDEN");
  });
});

describe("GET /v1/attendees", () => {
  it("pages oldest first and filters", async () => {
    const { key, profile, event } = await createWorld();
    const other = await createEvent(key, profile.uid);
    const a = await createAttendee(key, event.uid);
    const b = await createAttendee(key, other.uid, {}, { registration_status: "Cancelled" });
    const c = await createAttendee(key, event.uid);

    const page1 = await api("GET", "/v1/attendees?page_size=2", { key });
    expect(uids(page1.body)).toEqual([a.uid, b.uid]);
    expect(page1.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    expect(page1.body.data[0]).toEqual(a);
    const page2 = await api("GET", "/v1/attendees?page_size=2&page=2", { key });
    expect(uids(page2.body)).toEqual([c.uid]);

    const q = (query: string) => api("GET", `/v1/attendees?${query}`, { key });
    expect(uids((await q(`event_uid=${event.uid}`)).body)).toEqual([a.uid, c.uid]);
    expect(uids((await q(`guest_uid=${c.uid}`)).body)).toEqual([c.uid]);
    expect(uids((await q("registration_status=Cancelled")).body)).toEqual([b.uid]);
    expect((await q("registration_status=Cancelled")).body.meta.total).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const patched = await api("PATCH", `/v1/attendees/${a.uid}`, {
      key,
      body: { fields: { lastname: "Later" } },
    });
    const since = encodeURIComponent(patched.body.data.updated_at);
    expect(uids((await q(`updated_since=${since}`)).body)).toEqual([a.uid]);
  });

  it("searches first name, last name and e-mail with q=, ignoring case and wildcards", async () => {
    const { key, profile, event } = await createWorld();
    const other = await createEvent(key, profile.uid);
    const jane = await createAttendee(key, event.uid, {
      email: "jane.doe@example.com",
      firstname: "Jane",
      lastname: "Doe",
    });
    const john = await createAttendee(key, other.uid, {
      email: "jsmith@example.org",
      firstname: "John",
      lastname: "Smith",
    });
    const percent = await createAttendee(key, event.uid, {
      email: "fifty_percent@example.org",
      firstname: "Per%cy",
      lastname: null,
    });
    const q = async (query: string) =>
      uids((await api("GET", `/v1/attendees?${query}`, { key })).body);

    expect(await q("q=jane")).toEqual([jane.uid]);
    expect(await q(`q=${encodeURIComponent("JANE DOE")}`)).toEqual([jane.uid]);
    expect(await q("q=smith")).toEqual([john.uid]);
    expect(await q(`q=${encodeURIComponent("@example.org")}`)).toEqual([john.uid, percent.uid]);
    expect(await q(`q=${encodeURIComponent("@example.org")}&event_uid=${event.uid}`)).toEqual([
      percent.uid,
    ]);
    // % and _ are letters here, not LIKE's wildcards.
    expect(await q(`q=${encodeURIComponent("%")}`)).toEqual([percent.uid]);
    expect(await q("q=fifty_")).toEqual([percent.uid]);
    expect(await q("q=j_hn")).toEqual([]);
    const counted = await api("GET", `/v1/attendees?q=${encodeURIComponent("@example.")}`, { key });
    expect(counted.body.meta.total).toBe(3);

    const empty = await api("GET", "/v1/attendees?q=%20%20", { key });
    expect(expectError(empty, 400, "VALIDATION_FAILED").details.map((d) => d.path)).toEqual(["q"]);
  });

  it("sorts newest first with sort=-created_at, pages and events included", async () => {
    const { key, profile, event } = await createWorld();
    const other = await createEvent(key, profile.uid);
    const a = await createAttendee(key, event.uid);
    const b = await createAttendee(key, other.uid);
    const c = await createAttendee(key, event.uid);
    const list = async (query: string) =>
      (await api("GET", `/v1/attendees?${query}`, { key })).body;

    expect(uids(await list("sort=-created_at"))).toEqual([c.uid, b.uid, a.uid]);
    expect(uids(await list("sort=created_at"))).toEqual([a.uid, b.uid, c.uid]);
    // Each page comes with its own attendees' events: the second newest is the other event's.
    const second = await list("sort=-created_at&page_size=1&page=2");
    expect(second.data).toEqual([b]);
    expect(second.meta).toEqual({ page: 2, page_size: 1, total: 3, last_page: 3 });
    expect(uids(await list(`sort=-created_at&event_uid=${event.uid}`))).toEqual([c.uid, a.uid]);

    const bad = await api("GET", "/v1/attendees?sort=name", { key });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path)).toEqual(["sort"]);
  });

  it("searches and sorts for an integration key too, through its mapping", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      field_mapping: [{ name: "who", mapped_to: "email" }],
    });
    const reader = await createIntegrationKey(key, integration.id);
    await createAttendee(key, event.uid, { email: "ann@example.com", firstname: "Ann" });
    await createAttendee(key, event.uid, { email: "bob@example.com", firstname: "Bob" });
    await createAttendee(key, event.uid, { email: "bea@example.com", firstname: "Bea" });
    const read = async (query: string) =>
      (await api("GET", `/v1/attendees?${query}`, { key: reader.key })).body.data;
    expect(await read("q=b&sort=-created_at")).toEqual([
      { who: "bea@example.com" },
      { who: "bob@example.com" },
    ]);
  });

  it("returns only the keys named in fields=, on lists and single reads", async () => {
    const { key, event } = await createWorld();
    const a = await createAttendee(key, event.uid, { firstname: "Ann" });
    const list = await api("GET", "/v1/attendees?fields=uid,email, firstname,nope", { key });
    expect(list.body.data).toEqual([{ uid: a.uid, email: a.email, firstname: "Ann" }]);
    const one = await api("GET", `/v1/attendees/${a.uid}?fields=payment_status`, { key });
    expect(one.body.data).toEqual({ payment_status: "Unpaid" });
    const native = await api("GET", `/v1/attendees/${a.uid}?ignore_fields_mapping=1`, { key });
    expect(native.body.data).toEqual(a);
  });

  it("refuses bad filters", async () => {
    const { key } = await createAccount();
    const bad = await api("GET", "/v1/attendees?registration_status=Gone&ignore_fields_mapping=2", {
      key,
    });
    const paths = expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(["ignore_fields_mapping", "registration_status"]);
  });

  it("shows an integration key only the linked profiles' attendees", async () => {
    const { key, profile, event } = await createWorld();
    const otherProfile = await createProfile(key);
    const otherEvent = await createEvent(key, otherProfile.uid);
    const mine = await createAttendee(key, event.uid);
    const hidden = await createAttendee(key, otherEvent.uid);
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    const list = await api("GET", "/v1/attendees?ignore_fields_mapping=1", { key: reader.key });
    expect(uids(list.body)).toEqual([mine.uid]);
    expect(list.body.meta.total).toBe(1);
    expect((await api("GET", `/v1/attendees/${mine.uid}`, { key: reader.key })).body.data).toEqual(
      mine,
    );
    expectError(
      await api("GET", `/v1/attendees/${hidden.uid}`, { key: reader.key }),
      404,
      "NOT_FOUND",
    );
    const offIntegration = await createIntegration(key, {
      profile_uids: [profile.uid],
      api_access: false,
    });
    const off = await createIntegrationKey(key, offIntegration.id);
    expectError(await api("GET", "/v1/attendees", { key: off.key }), 403, "FORBIDDEN");
  });
});

describe("PATCH /v1/attendees/{uid}", () => {
  it("merges fields, clears with null, recomputes amounts and records guest.update", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { fields: FORM, languages: ["en", "nl"] });
    const a = await createAttendee(key, event.uid, { firstname: "Jane", lastname: "Doe" });
    await new Promise((resolve) => setTimeout(resolve, 2));
    const response = await api("PATCH", `/v1/attendees/${a.uid}`, {
      key,
      body: {
        language: "nl",
        registration_status: "Cancelled",
        amount_tax_excl: 10,
        amount_tax: 2.1,
        fields: { firstname: null, age: 40, country: "NL" },
      },
    });
    expect(response.status).toBe(200);
    const updated = response.body.data;
    expect(updated).toEqual({
      ...a,
      language: "nl",
      registration_status: "Cancelled",
      amount_tax_excl: 10,
      amount_tax: 2.1,
      amount_tax_incl: 12.1,
      firstname: null,
      age: 40,
      country: "NL",
      updated_at: expect.any(String),
    });
    expect(updated.updated_at > a.updated_at).toBe(true);
    expect((await api("GET", `/v1/attendees/${a.uid}`, { key })).body.data).toEqual(updated);
    const stored = await env.DB.prepare("SELECT fields FROM attendees WHERE id = ?")
      .bind(a.uid)
      .first<{ fields: string }>();
    expect(JSON.parse(stored?.fields ?? "{}")).not.toHaveProperty("firstname");

    const triggers = await triggersOf(a.uid);
    expect(triggers.map((t) => t.trigger)).toEqual(["guest.create", "guest.update"]);
    expect(triggers[1].snapshot).toEqual(updated);
  });

  it("refuses clearing a required field, unknown fields and bad values (422)", async () => {
    const { key, profile } = await createWorld();
    const event = await createEvent(key, profile.uid, { fields: FORM });
    const a = await createAttendee(key, event.uid);
    const response = await api("PATCH", `/v1/attendees/${a.uid}`, {
      key,
      body: { fields: { email: null, nope: 1, diet: "meat" } },
    });
    expect(expectError(response, 422, "UNPROCESSABLE").details.map((d) => d.path)).toEqual([
      "fields.nope",
      "fields.email",
      "fields.diet",
    ]);
    const language = await api("PATCH", `/v1/attendees/${a.uid}`, {
      key,
      body: { language: "xx" },
    });
    expect(expectError(language, 422, "UNPROCESSABLE").details[0].path).toBe("language");
    const moved = await api("PATCH", `/v1/attendees/${a.uid}`, {
      key,
      body: { event_uid: event.uid },
    });
    expectError(moved, 400, "VALIDATION_FAILED");
    expect((await triggersOf(a.uid)).map((t) => t.trigger)).toEqual(["guest.create"]);
    expectError(
      await api("PATCH", "/v1/attendees/gst_unknown", { key, body: {} }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("POST /v1/attendees/{uid}/payments", () => {
  it("goes Partial then Paid and records guest.update with cause payment", async () => {
    const { key, event } = await createWorld();
    const a = await createAttendee(key, event.uid, {}, { amount_tax_excl: 100, amount_tax: 21 });
    const first = await api("POST", `/v1/attendees/${a.uid}/payments`, {
      key,
      body: { amount: 21, method: "card", paid_at: "2026-05-03T10:20:00+02:00" },
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({
      payment_status: "Partial",
      payment_amount: 21,
      payment_method: "card",
      payment_date: "2026-05-03T08:20:00.000Z",
    });
    const second = await api("POST", `/v1/attendees/${a.uid}/payments`, {
      key,
      body: { amount: 100, method: "transfer" },
    });
    expect(second.body.data).toMatchObject({
      payment_status: "Paid",
      payment_amount: 121,
      payment_method: "transfer",
    });
    expect(Date.now() - Date.parse(second.body.data.payment_date ?? "")).toBeLessThan(60_000);
    expect((await api("GET", `/v1/attendees/${a.uid}`, { key })).body.data).toEqual(
      second.body.data,
    );
    const triggers = await triggersOf(a.uid);
    expect(triggers.map((t) => [t.trigger, t.cause])).toEqual([
      ["guest.create", null],
      ["guest.update", "payment"],
      ["guest.update", "payment"],
    ]);
    expect(triggers[2].snapshot).toEqual(second.body.data);
  });

  it("loses no payment or field change under concurrent writes to one attendee", async () => {
    const { key, event } = await createWorld();
    const a = await createAttendee(key, event.uid, {}, { amount_tax_excl: 1000 });
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () =>
        api("POST", `/v1/attendees/${a.uid}/payments`, {
          key,
          body: { amount: 10, method: "card" },
        }),
      ),
      api("PATCH", `/v1/attendees/${a.uid}`, { key, body: { fields: { lastname: "Doe" } } }),
    ]);
    // Each answer either applied (200) or asked the client to retry (409 CONFLICT): none was lost.
    for (const answer of answers) {
      if (answer.status !== 200) expectError(answer, 409, "CONFLICT");
    }
    const paid = answers.slice(0, 8).filter((answer) => answer.status === 200).length;
    expect(paid).toBeGreaterThan(0);
    const stored = (await api("GET", `/v1/attendees/${a.uid}`, { key })).body.data;
    expect(stored.payment_amount).toBe(10 * paid);
    // The PATCH applied (200) or changed nothing (409): the factory's lastname stays otherwise.
    expect(stored.lastname).toBe(answers[8].status === 200 ? "Doe" : a.lastname);
    const updates = (await triggersOf(a.uid)).filter((t) => t.trigger === "guest.update");
    expect(updates).toHaveLength(answers.filter((answer) => answer.status === 200).length);
  });

  it("refuses bad payments", async () => {
    const { key, event } = await createWorld();
    const a = await createAttendee(key, event.uid);
    const bad = await api("POST", `/v1/attendees/${a.uid}/payments`, {
      key,
      body: { amount: 0, method: "", paid_at: "now" },
    });
    const paths = expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path);
    expect(paths.sort()).toEqual(["amount", "method", "paid_at"]);
    expectError(
      await api("POST", "/v1/attendees/gst_unknown/payments", {
        key,
        body: { amount: 1, method: "cash" },
      }),
      404,
      "NOT_FOUND",
    );
  });
});

describe("DELETE /v1/attendees/{uid} and guest_count", () => {
  it("deletes, lowers guest_count once and records guest.delete with the last state", async () => {
    const { key, event } = await createWorld();
    const a = await createAttendee(key, event.uid);
    const b = await createAttendee(key, event.uid);
    expect(await storedGuestCount(event.uid)).toBe(2);
    const results = await Promise.all([
      api("DELETE", `/v1/attendees/${a.uid}`, { key }),
      api("DELETE", `/v1/attendees/${a.uid}`, { key }),
    ]);
    expect(results.map((r) => r.status)).toContain(204);
    expect(await storedGuestCount(event.uid)).toBe(1);
    expectError(await api("GET", `/v1/attendees/${a.uid}`, { key }), 404, "NOT_FOUND");
    const triggers = await triggersOf(a.uid);
    expect(triggers[0].trigger).toBe("guest.create");
    expect(triggers.at(-1)?.trigger).toBe("guest.delete");
    expect(triggers.at(-1)?.snapshot).toEqual(a);

    expect((await api("DELETE", `/v1/attendees/${b.uid}`, { key })).status).toBe(204);
    expect(await storedGuestCount(event.uid)).toBe(0);
    expectError(await api("DELETE", `/v1/attendees/${b.uid}`, { key }), 404, "NOT_FOUND");
  });

  it("deleting an event deletes its attendees and records only event.delete", async () => {
    const { key, event } = await createWorld();
    const a = await createAttendee(key, event.uid);
    expect((await api("DELETE", `/v1/events/${event.uid}`, { key })).status).toBe(204);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM attendees WHERE event_id = ?")
      .bind(event.uid)
      .first();
    expect(rows?.n).toBe(0);
    expect((await triggersOf(a.uid)).map((t) => t.trigger)).toEqual(["guest.create"]);
    const eventTriggers = await triggersOf(event.uid);
    expect(eventTriggers.map((t) => t.trigger)).toEqual(["event.create", "event.delete"]);
    expect(eventTriggers[1].snapshot.guest_count).toBe(1);
  });

  it("refuses lowering capacity under the guest count (409)", async () => {
    const { key, event } = await createWorld();
    await createAttendee(key, event.uid);
    await createAttendee(key, event.uid);
    const response = await api("PATCH", `/v1/events/${event.uid}`, { key, body: { capacity: 1 } });
    expect(expectError(response, 409, "CONFLICT").details[0].path).toBe("capacity");
  });
});

describeAuth("POST /v1/attendees", {
  otherAccount: 404,
  setup: async (owner) => {
    const profile = await createProfile(owner.key);
    const event = await createEvent(owner.key, profile.uid);
    return {
      method: "POST",
      path: "/v1/attendees",
      body: { event_uid: event.uid, fields: { email: "a@b.co" } },
      secrets: [event.uid],
    };
  },
});
describeAuth("GET /v1/attendees", {
  otherAccount: "own",
  setup: async (owner) => {
    const profile = await createProfile(owner.key);
    const event = await createEvent(owner.key, profile.uid);
    const attendee = await createAttendee(owner.key, event.uid);
    return { method: "GET", path: "/v1/attendees", secrets: [attendee.uid, event.uid] };
  },
});
for (const [method, suffix, body] of [
  ["GET", "", undefined],
  ["PATCH", "", { registration_status: "Cancelled" }],
  ["DELETE", "", undefined],
  ["POST", "/payments", { amount: 1, method: "cash" }],
] as const) {
  describeAuth(`${method} /v1/attendees/{uid}${suffix}`, {
    otherAccount: 404,
    setup: async (owner) => {
      const profile = await createProfile(owner.key);
      const event = await createEvent(owner.key, profile.uid);
      const attendee = await createAttendee(owner.key, event.uid);
      return {
        method,
        path: `/v1/attendees/${attendee.uid}${suffix}`,
        body,
        secrets: [attendee.uid],
      };
    },
  });
}

describe("integration keys on attendee writes", () => {
  it("are refused (403) even for linked profiles", async () => {
    const { key, profile, event } = await createWorld();
    const a = await createAttendee(key, event.uid);
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const reader = await createIntegrationKey(key, integration.id);
    for (const [method, path, body] of [
      ["PATCH", `/v1/attendees/${a.uid}`, { registration_status: "Cancelled" }],
      ["DELETE", `/v1/attendees/${a.uid}`, undefined],
      ["POST", `/v1/attendees/${a.uid}/payments`, { amount: 1, method: "cash" }],
    ] as const) {
      expectError(await api(method, path, { key: reader.key, body }), 403, "FORBIDDEN");
    }
  });
});

/** The parts of the served OpenAPI document these tests read. */
type OpenApiDocument = {
  paths: Record<string, Record<string, { summary?: string }>>;
  components: { schemas: Record<string, { example?: Record<string, unknown> }> };
};

describe("OpenAPI", () => {
  it("documents every profile, event and attendee route", async () => {
    // The document is not an operation of itself, so it is read untyped.
    const doc = await request("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    const body = doc.body as OpenApiDocument;
    const paths = body.paths;
    for (const [path, methods] of Object.entries({
      "/v1/profiles": ["post", "get"],
      "/v1/profiles/{uid}": ["get", "patch", "delete"],
      "/v1/profiles/{uid}/field-mapping": ["get", "put"],
      "/v1/events": ["post", "get"],
      "/v1/events/{uid}": ["get", "patch", "delete"],
      "/v1/events/{uid}/fields": ["get"],
      "/v1/attendees": ["post", "get"],
      "/v1/attendees/{uid}": ["get", "patch", "delete"],
      "/v1/attendees/{uid}/payments": ["post"],
    })) {
      for (const method of methods)
        expect(paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
    }
    expect(body.components.schemas.Attendee?.example?.amount_tax_incl).toBe(121);
  });
});
