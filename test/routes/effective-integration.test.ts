import { describe, expect, it } from "vitest";
import {
  createAttendee,
  createEvent,
  createIntegration,
  createReceiverWebhook,
  createWebhook,
  createWorld,
  createWorldWithIntegration,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { receivedAtLeast } from "../helpers/receiver";

/**
 * `GET /v1/events/{uid}/effective-integration` answers which integration applies to an event and
 * why, from the rules the fan-out follows: what it says fires is what a receiver gets.
 */

const effective = async (key: string, eventUid: string) => {
  const response = await api("GET", `/v1/events/${eventUid}/effective-integration`, { key });
  expect(response.status).toBe(200);
  return response.body.data;
};

const outcomes = (data: Awaited<ReturnType<typeof effective>>) =>
  Object.fromEntries(data.triggers.map((t) => [t.trigger, t.outcome]));

const vat = { name: "cpy_vat_number", label: "VAT", type: "text", required: true } as const;

describe("GET /v1/events/{uid}/effective-integration", () => {
  it("says nothing applies to an event of a profile without an active integration", async () => {
    const { key, event, profile } = await createWorld();
    const data = await effective(key, event.uid);
    expect(data).toMatchObject({
      event_uid: event.uid,
      profile_uid: profile.uid,
      integration: null,
      source: null,
      override: null,
      fire_on_payment: { enabled: false, level: "profile" },
      field_mapping: [],
      locked_fields: [],
    });
    expect(new Set(Object.values(outcomes(data)))).toEqual(new Set(["no_active_integration"]));
  });

  it("merges the mapping with each entry's level, lists locked fields and each trigger's webhooks", async () => {
    const world = await createWorldWithIntegration({
      accountMapping: [
        { name: "source", value: "account" },
        { name: "mail", mapped_to: "email" },
      ],
      integration: {
        field_mapping: [{ name: "source", value: "crm" }],
        fixed_configuration: { fields: [vat] },
      },
      profileMapping: [{ name: "first", mapped_to: "firstname" }],
    });
    const { key, event, profile, integration } = world;
    const elsewhere = await createEvent(key, profile.uid);
    const push = await createReceiverWebhook(key, integration.id, { trigger: "guest.create" });
    const onlyElsewhere = await createWebhook(key, integration.id, {
      trigger: "guest.update",
      event_uids: [elsewhere.uid],
    });
    const off = await createWebhook(key, integration.id, {
      trigger: "guest.delete",
      enabled: false,
    });

    const data = await effective(key, event.uid);
    expect(data.integration).toEqual({
      id: integration.id,
      name: integration.name,
      api_access: true,
      webhooks_enabled: true,
    });
    expect(data.source).toBe("profile");
    expect(data.field_mapping).toEqual([
      { name: "source", value: "crm", level: "integration" },
      { name: "mail", mapped_to: "email", level: "account" },
      { name: "first", mapped_to: "firstname", level: "profile" },
    ]);
    expect(data.locked_fields).toEqual([{ ...vat, locked: true }]);
    const byTrigger = Object.fromEntries(data.triggers.map((t) => [t.trigger, t]));
    expect(byTrigger["guest.create"]).toEqual({
      trigger: "guest.create",
      outcome: "fires",
      webhooks: [{ id: push.id, name: push.name, method: "POST", url: push.url }],
      skipped: [],
    });
    expect(byTrigger["guest.update"]).toMatchObject({
      outcome: "event_not_in_event_uids",
      webhooks: [],
      skipped: [{ id: onlyElsewhere.id, reason: "event_not_in_event_uids" }],
    });
    expect(byTrigger["guest.delete"]).toMatchObject({
      outcome: "webhook_disabled",
      skipped: [{ id: off.id, reason: "webhook_disabled" }],
    });
    expect(byTrigger["event.create"]).toMatchObject({ outcome: "no_webhook_for_trigger" });

    // What it says is what happens: the guest.create webhook gets the guest, mapped so.
    await createAttendee(key, event.uid, {
      email: "ada@example.com",
      firstname: "Ada",
      cpy_vat_number: "BE0123",
    });
    const [delivery] = await receivedAtLeast(push.channel);
    expect(JSON.parse(delivery.body)).toEqual({
      source: "crm",
      mail: "ada@example.com",
      first: "Ada",
    });
  });

  it("follows an override: its integration, its mapping level, its switches", async () => {
    const { key, event, profile } = await createWorldWithIntegration({
      profileMapping: [{ name: "p", value: 1 }],
    });
    const special = await createIntegration(key, {
      profile_uids: [profile.uid],
      field_mapping: [{ name: "i", value: 2 }],
    });
    await createWebhook(key, special.id, { trigger: "guest.create" });
    const path = `/v1/events/${event.uid}/integration` as const;
    await api("PUT", path, {
      key,
      body: {
        integration_id: special.id,
        field_mapping: [{ name: "e", value: 3 }],
        fire_on_payment: true,
      },
    });
    const merged = await effective(key, event.uid);
    expect(merged.integration?.id).toBe(special.id);
    expect(merged.source).toBe("override");
    expect(merged.field_mapping.map((e) => [e.name, e.level])).toEqual([
      ["i", "integration"],
      ["p", "profile"],
      ["e", "event"],
    ]);
    expect(merged.fire_on_payment).toEqual({ enabled: true, level: "event" });
    expect(outcomes(merged)["guest.create"]).toBe("fires");

    await api("PUT", path, {
      key,
      body: {
        integration_id: special.id,
        field_mapping: [{ name: "e", value: 3 }],
        mapping_mode: "replace",
        webhooks_enabled: false,
      },
    });
    const silenced = await effective(key, event.uid);
    expect(silenced.field_mapping).toEqual([{ name: "e", value: 3, level: "event" }]);
    expect(silenced.override).toEqual({
      integration_id: special.id,
      mapping_mode: "replace",
      fire_on_payment: null,
      webhooks_enabled: false,
    });
    expect(new Set(Object.values(outcomes(silenced)))).toEqual(
      new Set(["event_webhooks_disabled"]),
    );
  });

  it("says when the integration's webhooks are off, and where fire_on_payment comes from", async () => {
    const { key, event, profile, integration } = await createWorldWithIntegration({
      webhooks: [{ trigger: "guest.update" }],
    });
    await api("PATCH", `/v1/profiles/${profile.uid}`, { key, body: { fire_on_payment: true } });
    expect((await effective(key, event.uid)).fire_on_payment).toEqual({
      enabled: true,
      level: "profile",
    });
    await api("PATCH", `/v1/integrations/${integration.id}`, {
      key,
      body: { webhooks_enabled: false },
    });
    const data = await effective(key, event.uid);
    expect(data.integration?.webhooks_enabled).toBe(false);
    expect(outcomes(data)["guest.update"]).toBe("integration_webhooks_disabled");
  });

  it("answers 404 for an unknown event", async () => {
    const { key } = await createWorld();
    expectError(
      await api("GET", "/v1/events/evt_nope/effective-integration", { key }),
      404,
      "NOT_FOUND",
    );
  });
});

describeAuth("GET /v1/events/{uid}/effective-integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { event } = await createWorld({ owner: { ...owner, account: owner.account } });
    return { method: "GET", path: `/v1/events/${event.uid}/effective-integration` };
  },
});
