import { describe, expect, it } from "vitest";
import {
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createWorld,
} from "../factories";
import { api } from "../helpers/api";

/**
 * The four mapping levels set through the API, one guest read natively (admin key), and the
 * integration's key to read it mapped.
 */
async function mappedWorld() {
  const { key, profile, event } = await createWorld({
    accountMapping: [
      { name: "contact_email", mapped_to: "email" },
      { name: "source", value: "account" },
    ],
    profileMapping: [{ name: "brand", value: "Acme" }],
  });
  const integration = await createIntegration(key, {
    profile_uids: [profile.uid],
    field_mapping: [
      { name: "source", value: "crm" },
      { name: "name", mapped_to: "firstname" },
    ],
  });
  const attendee = await createAttendee(key, event.uid, { firstname: "Jane" });
  const native = (await api("GET", `/v1/attendees/${attendee.uid}`, { key })).body.data;
  const reader = (await createIntegrationKey(key, integration.id)).key;
  return { key, profile, event, native, reader };
}

/** The guest as the integration's key reads it. */
async function readMapped(reader: string, uid: unknown) {
  // `uid` comes from a read, whose type (AttendeeRead) may be a mapped attendee without one.
  const res = await api("GET", `/v1/attendees/${String(uid)}`, { key: reader });
  expect(res.status).toBe(200);
  return res.body.data;
}

describe("the mapping levels of an integration key's attendee reads (§5)", () => {
  it("maps a guest that an admin key reads natively: account -> integration -> profile", async () => {
    const { native, reader } = await mappedWorld();
    expect(native).toMatchObject({ firstname: "Jane", registration_status: "Complete" });
    expect(native.email).toMatch(/@example\.com$/);
    expect(await readMapped(reader, native.uid)).toEqual({
      contact_email: native.email,
      source: "crm",
      name: "Jane",
      brand: "Acme",
    });
  });

  it("adds the event override, or replaces everything with mapping_mode replace", async () => {
    const { key, event, native, reader } = await mappedWorld();
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: {
        field_mapping: [
          { name: "source", value: "event" },
          { name: "paid", mapped_to: "payment_status" },
        ],
      },
    });
    expect(await readMapped(reader, native.uid)).toEqual({
      contact_email: native.email,
      source: "event",
      name: "Jane",
      brand: "Acme",
      paid: "Unpaid",
    });
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { mapping_mode: "replace", field_mapping: [{ name: "id", mapped_to: "uid" }] },
    });
    expect(await readMapped(reader, native.uid)).toEqual({
      id: native.uid,
    });
    // replace with nothing left: the whole native attendee
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { mapping_mode: "replace" },
    });
    expect(await readMapped(reader, native.uid)).toEqual(native);
  });

  it("ignores an override that hands the event to another integration", async () => {
    const { key, event, native, reader } = await mappedWorld();
    const other = await createIntegration(key);
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: other.id, mapping_mode: "replace", field_mapping: [] },
    });
    const mapped = await readMapped(reader, native.uid);
    expect(Object.keys(mapped)).toEqual(["contact_email", "source", "name", "brand"]);
  });

  it("maps a page, each guest by its own event's levels", async () => {
    const { key, profile, native, reader } = await mappedWorld();
    const second = await createEvent(key, profile.uid);
    await api("PUT", `/v1/events/${second.uid}/integration`, {
      key,
      body: { mapping_mode: "replace", field_mapping: [{ name: "only", value: 1 }] },
    });
    const guest = await createAttendee(key, second.uid);
    const page = await api("GET", "/v1/attendees", { key: reader });
    expect(page.body.data).toEqual([
      { contact_email: native.email, source: "crm", name: "Jane", brand: "Acme" },
      { only: 1 },
    ]);
    expect(await readMapped(reader, guest.uid)).toEqual({ only: 1 });
  });
});
