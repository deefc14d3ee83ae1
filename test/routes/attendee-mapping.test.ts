import { describe, expect, it } from "vitest";
import {
  activate,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWorld,
} from "../factories";
import { api, expectError } from "../helpers/api";

describe("attendees read through an integration key are mapped (§5)", () => {
  it("gives the native, the mapped and the ignore_fields_mapping shapes of one guest", async () => {
    const { key, profile, event } = await createWorld({
      accountMapping: [{ name: "source", value: "account" }],
      profileMapping: [{ name: "first", mapped_to: "firstname" }],
    });
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      field_mapping: [
        { name: "contact_email", mapped_to: "email" },
        { name: "source", value: "weft" },
        { name: "missing", mapped_to: "no_such_field" },
      ],
    });
    const reader = (await createIntegrationKey(key, integration.id)).key;
    const guest = await createAttendee(key, event.uid, {
      email: "ann@example.com",
      firstname: "Ann",
    });

    const native = await api("GET", `/v1/attendees/${guest.uid}`, { key });
    expect(native.body.data).toEqual(guest);

    const mapped = await api("GET", `/v1/attendees/${guest.uid}`, { key: reader });
    expect(mapped.body.data).toEqual({
      source: "weft",
      contact_email: "ann@example.com",
      missing: null,
      first: "Ann",
    });
    const list = await api("GET", `/v1/attendees?event_uid=${event.uid}`, { key: reader });
    expect(list.body.data).toEqual([mapped.body.data]);

    const ignored = await api("GET", `/v1/attendees/${guest.uid}?ignore_fields_mapping=1`, {
      key: reader,
    });
    expect(ignored.body.data).toEqual(guest);

    const selected = await api("GET", `/v1/attendees?event_uid=${event.uid}&fields=first,source`, {
      key: reader,
    });
    expect(selected.body.data).toEqual([{ source: "weft", first: "Ann" }]);
  });

  it("applies the event override's mapping, and replace drops the inherited levels", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      field_mapping: [{ name: "mail", mapped_to: "email" }],
    });
    const reader = (await createIntegrationKey(key, integration.id)).key;
    const guest = await createAttendee(key, event.uid, {
      email: "bo@example.com",
      firstname: "Bo",
    });

    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: null, field_mapping: [{ name: "name", mapped_to: "firstname" }] },
    });
    const merged = await api("GET", `/v1/attendees/${guest.uid}`, { key: reader });
    expect(merged.body.data).toEqual({ mail: "bo@example.com", name: "Bo" });

    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: {
        integration_id: null,
        field_mapping: [{ name: "name", mapped_to: "firstname" }],
        mapping_mode: "replace",
      },
    });
    const replaced = await api("GET", `/v1/attendees/${guest.uid}`, { key: reader });
    expect(replaced.body.data).toEqual({ name: "Bo" });
  });

  it("maps each guest of a page by its own profile and event override", async () => {
    const { key, profile, event } = await createWorld();
    const other = await createProfile(key);
    const otherEvent = await createEvent(key, other.uid);
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid, other.uid],
      field_mapping: [{ name: "mail", mapped_to: "email" }],
    });
    const reader = (await createIntegrationKey(key, integration.id)).key;
    await api("PUT", `/v1/profiles/${other.uid}/field-mapping`, {
      key,
      body: { field_mapping: [{ name: "from", value: "other profile" }] },
    });
    await api("PUT", `/v1/events/${otherEvent.uid}/integration`, {
      key,
      body: {
        integration_id: integration.id,
        field_mapping: [{ name: "name", mapped_to: "firstname" }],
      },
    });
    const first = await createAttendee(key, event.uid, { email: "a@example.com", firstname: "A" });
    const second = await createAttendee(key, otherEvent.uid, {
      email: "b@example.com",
      firstname: "B",
    });

    const page = await api("GET", "/v1/attendees", { key: reader });
    expect(page.body.data).toEqual([
      { mail: "a@example.com" },
      { mail: "b@example.com", from: "other profile", name: "B" },
    ]);
    for (const [index, guest] of [first, second].entries()) {
      const one = await api("GET", `/v1/attendees/${guest.uid}`, { key: reader });
      expect(one.body.data).toEqual(page.body.data[index]);
    }
  });
});

describe("fixed configuration on event creation (§4)", () => {
  it("adds the active integration's fixed fields, locked, and refuses changing them", async () => {
    const { key, profile } = await createWorld();
    const integration = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: {
        fields: [{ name: "cpy_vat_number", label: "VAT", type: "text", required: true }],
      },
    });
    await activate(key, profile.uid, integration.id);

    const event = await createEvent(key, profile.uid);
    expect(event.fields).toContainEqual({
      name: "cpy_vat_number",
      label: "VAT",
      type: "text",
      required: true,
      locked: true,
    });
    const unlocked = event.fields.filter((f) => f.name !== "cpy_vat_number");
    const removal = await api("PATCH", `/v1/events/${event.uid}`, {
      key,
      body: { fields: unlocked },
    });
    expect(expectError(removal, 409, "CONFLICT").details.map((d) => d.path)).toEqual([
      "fields.cpy_vat_number",
    ]);
    const guest = await api("POST", "/v1/attendees", {
      key,
      body: { event_uid: event.uid, fields: { email: "c@example.com" } },
    });
    expect(expectError(guest, 422, "UNPROCESSABLE").details.map((d) => d.path)).toEqual([
      "fields.cpy_vat_number",
    ]);
  });
});
