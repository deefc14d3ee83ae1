import { describe, expect, it } from "vitest";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createProfile,
  createWorldWithIntegration,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

const path = (integrationId: string) =>
  `/v1/integrations/${integrationId}/mapping-preview` as const;

describe("POST /v1/integrations/{id}/mapping-preview", () => {
  it("shows a real attendee through the stored levels, as the integration's key reads it", async () => {
    const world = await createWorldWithIntegration({
      accountMapping: [
        { name: "who", mapped_to: "email" },
        { name: "source", value: "account" },
      ],
      profileMapping: [{ name: "source", value: "profile" }],
      integration: { field_mapping: [{ name: "first", mapped_to: "firstname" }] },
    });
    const { key, event, integration } = world;
    const attendee = await createAttendee(key, event.uid, { email: "ann@example.com" });
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { field_mapping: [{ name: "event", mapped_to: "event_name" }] },
    });

    const preview = await api("POST", path(integration.id), {
      key,
      body: { attendee_uid: attendee.uid },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.data).toEqual({
      attendee_uid: attendee.uid,
      event_uid: event.uid,
      field_mapping: [
        { name: "who", mapped_to: "email" },
        { name: "source", value: "profile" },
        { name: "first", mapped_to: "firstname" },
        { name: "event", mapped_to: "event_name" },
      ],
      payload: { who: "ann@example.com", source: "profile", first: "Jane", event: event.name },
      webhooks_apply: true,
      key_reads: true,
    });
    // The same as the integration's key reads it.
    const live = await api("POST", `/v1/integrations/${integration.id}/keys`, { key });
    const read = await api("GET", `/v1/attendees/${attendee.uid}`, { key: live.body.data.key });
    expect(read.body.data).toEqual(preview.body.data.payload);
  });

  it("tries unsaved mappings of any level, and saves none of them", async () => {
    const { key, event, integration } = await createWorldWithIntegration({
      integration: { field_mapping: [{ name: "who", mapped_to: "email" }] },
    });
    const attendee = await createAttendee(key, event.uid, {
      email: "bo@example.com",
      lastname: "Bo",
    });
    const preview = async (body: object) =>
      (
        await api("POST", path(integration.id), {
          key,
          body: { attendee_uid: attendee.uid, ...body },
        })
      ).body.data.payload;

    expect(
      await preview({ field_mapping: { integration: [{ name: "last", mapped_to: "lastname" }] } }),
    ).toEqual({ last: "Bo" });
    expect(
      await preview({ field_mapping: { account: [{ name: "tag", value: ["a", 1] }] } }),
    ).toEqual({ tag: ["a", 1], who: "bo@example.com" });
    expect(
      await preview({ field_mapping: { profile: [{ name: "who", mapped_to: "lastname" }] } }),
    ).toEqual({ who: "Bo" });
    expect(
      await preview({
        field_mapping: { event: [{ name: "only", value: true }] },
        mapping_mode: "replace",
      }),
    ).toEqual({ only: true });
    // An empty effective mapping sends the whole native attendee.
    expect(await preview({ field_mapping: { integration: [] } })).toEqual(attendee);

    const stored = await api("GET", `/v1/integrations/${integration.id}`, { key });
    expect(stored.body.data.field_mapping).toEqual([{ name: "who", mapped_to: "email" }]);
    const override = await api("GET", `/v1/events/${event.uid}/integration`, { key });
    expect(override.status).toBe(404);
  });

  it("says when the integration's webhooks do not fire or its key cannot read the attendee", async () => {
    const world = await createWorldWithIntegration({ integration: { api_access: true } });
    const { key, event, profile } = world;
    const attendee = await createAttendee(key, event.uid);
    const inactive = await createIntegration(key, {
      profile_uids: [profile.uid],
      api_access: true,
    });
    const closed = await createIntegration(key, { profile_uids: [profile.uid], api_access: false });
    const unlinked = await createIntegration(key, { profile_uids: [], api_access: true });
    const flags = async (integrationId: string) => {
      const { webhooks_apply, key_reads } = (
        await api("POST", path(integrationId), { key, body: { attendee_uid: attendee.uid } })
      ).body.data;
      return { webhooks_apply, key_reads };
    };
    expect(await flags(world.integration.id)).toEqual({ webhooks_apply: true, key_reads: true });
    expect(await flags(inactive.id)).toEqual({ webhooks_apply: false, key_reads: true });
    expect(await flags(closed.id)).toEqual({ webhooks_apply: false, key_reads: false });
    expect(await flags(unlinked.id)).toEqual({ webhooks_apply: false, key_reads: false });
    // An override naming another integration hands the event's webhooks to it...
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: inactive.id },
    });
    expect(await flags(inactive.id)).toEqual({ webhooks_apply: true, key_reads: true });
    expect(await flags(world.integration.id)).toEqual({ webhooks_apply: false, key_reads: true });
    // ... and one that switches webhooks off leaves none.
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { webhooks_enabled: false },
    });
    expect(await flags(world.integration.id)).toEqual({ webhooks_apply: false, key_reads: true });
  });

  it("names the unknown attendee, and the bad draft entry (404, 400)", async () => {
    const { key, integration } = await createWorldWithIntegration();
    const other = await createAccount();
    const foreign = await createAttendee(
      other.key,
      (await createEvent(other.key, (await createProfile(other.key)).uid)).uid,
    );
    const unknown = await api("POST", path(integration.id), {
      key,
      body: { attendee_uid: foreign.uid },
    });
    expect(expectError(unknown, 404, "NOT_FOUND").details).toEqual([
      { path: "attendee_uid", message: "No attendee with this uid in the account." },
    ]);
    const bad = await api("POST", path(integration.id), {
      key,
      body: {
        attendee_uid: foreign.uid,
        field_mapping: {
          profile: [
            { name: "a", mapped_to: "email" },
            { name: "a", value: 1 },
          ],
        },
      },
    });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details.map((d) => d.path)).toEqual([
      "field_mapping.profile.1.name",
    ]);
    const missing = await api("POST", path("int_missing"), {
      key,
      body: { attendee_uid: foreign.uid },
    });
    expectError(missing, 404, "NOT_FOUND");
  });
});

describeAuth("POST /v1/integrations/{id}/mapping-preview", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { integration, event } = await createWorldWithIntegration({ owner });
    const attendee = await createAttendee(owner.key, event.uid);
    return {
      method: "POST",
      path: path(integration.id),
      body: { attendee_uid: attendee.uid },
      secrets: [attendee.uid, attendee.email as string],
    };
  },
});
