import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findIntegrationById } from "../../src/db/queries/integrations";
import {
  mapAttendeeForIntegration,
  mapAttendeesForIntegration,
} from "../../src/services/integrations";
import { createAttendee, createEvent, createIntegration, createWorld } from "../factories";
import { api } from "../helpers/api";

/** The four mapping levels set through the API, and one guest read with an admin key. */
async function mappedWorld() {
  const { key, profile, event } = await createWorld();
  await api("PUT", "/v1/account/field-mapping", {
    key,
    body: {
      field_mapping: [
        { name: "contact_email", mapped_to: "email" },
        { name: "source", value: "account" },
      ],
    },
  });
  const integration = await createIntegration(key, {
    profile_uids: [profile.uid],
    field_mapping: [
      { name: "source", value: "crm" },
      { name: "name", mapped_to: "firstname" },
    ],
  });
  await api("PUT", `/v1/profiles/${profile.uid}/field-mapping`, {
    key,
    body: { field_mapping: [{ name: "brand", value: "Acme" }] },
  });
  const attendee = await createAttendee(key, event.uid, { firstname: "Jane" });
  const native = (await api("GET", `/v1/attendees/${attendee.uid}`, { key })).body.data;
  const row = await findIntegrationById(createDb(env.DB), integration.id);
  if (!row) throw new Error("integration row missing");
  return { key, profile, event, native, integration: row };
}

describe("mapAttendeeForIntegration", () => {
  it("maps a guest that an admin key reads natively: account -> integration -> profile", async () => {
    const { native, integration } = await mappedWorld();
    expect(native).toMatchObject({ firstname: "Jane", registration_status: "Complete" });
    expect(native.email).toMatch(/@example\.com$/);
    const mapped = await mapAttendeeForIntegration(createDb(env.DB), {
      attendee: native,
      integration,
    });
    expect(mapped).toEqual({
      contact_email: native.email,
      source: "crm",
      name: "Jane",
      brand: "Acme",
    });
  });

  it("adds the event override, or replaces everything with mapping_mode replace", async () => {
    const { key, event, native, integration } = await mappedWorld();
    const db = createDb(env.DB);
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: {
        field_mapping: [
          { name: "source", value: "event" },
          { name: "paid", mapped_to: "payment_status" },
        ],
      },
    });
    expect(await mapAttendeeForIntegration(db, { attendee: native, integration })).toEqual({
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
    expect(await mapAttendeeForIntegration(db, { attendee: native, integration })).toEqual({
      id: native.uid,
    });
    // replace with nothing left: the whole native attendee
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { mapping_mode: "replace" },
    });
    expect(await mapAttendeeForIntegration(db, { attendee: native, integration })).toEqual(native);
  });

  it("ignores an override that hands the event to another integration", async () => {
    const { key, event, native, integration } = await mappedWorld();
    const other = await createIntegration(key);
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: other.id, mapping_mode: "replace", field_mapping: [] },
    });
    const mapped = await mapAttendeeForIntegration(createDb(env.DB), {
      attendee: native,
      integration,
    });
    expect(Object.keys(mapped)).toEqual(["contact_email", "source", "name", "brand"]);
  });

  it("maps a page, loading each event's mapping once", async () => {
    const { key, profile, native, integration } = await mappedWorld();
    const second = await createEvent(key, profile.uid);
    await api("PUT", `/v1/events/${second.uid}/integration`, {
      key,
      body: { mapping_mode: "replace", field_mapping: [{ name: "only", value: 1 }] },
    });
    const guest = await createAttendee(key, second.uid);
    const nativeSecond = (await api("GET", `/v1/attendees/${guest.uid}`, { key })).body.data;
    const page = await mapAttendeesForIntegration(createDb(env.DB), {
      attendees: [native, nativeSecond, native],
      integration,
    });
    expect(page).toEqual([
      { contact_email: native.email, source: "crm", name: "Jane", brand: "Acme" },
      { only: 1 },
      { contact_email: native.email, source: "crm", name: "Jane", brand: "Acme" },
    ]);
  });
});
