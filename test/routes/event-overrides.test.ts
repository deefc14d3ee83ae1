import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { activate, createEvent, createIntegration, createProfile, createWorld } from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

const vat = { name: "cpy_vat_number", label: "VAT", type: "text", required: true } as const;
const po = { name: "po_number", label: "PO", type: "text", required: false } as const;

const lockedNames = async (key: string, eventUid: string) =>
  (await api("GET", `/v1/events/${eventUid}`, { key })).body.data.fields
    .filter((f) => f.locked)
    .map((f) => f.name);

/** Linked to the profile: `active` (VAT locked) active on it, `special` (PO locked) for overrides. */
async function activeAndSpecial(key: string, profileUid: string) {
  const active = await createIntegration(key, {
    profile_uids: [profileUid],
    fixed_configuration: { fields: [vat] },
  });
  const special = await createIntegration(key, {
    profile_uids: [profileUid],
    fixed_configuration: { fields: [po] },
  });
  await activate(key, profileUid, active.id);
  return { active, special };
}

describe("GET|PUT|DELETE /v1/events/{uid}/integration", () => {
  it("answers 404 until an override is set, then stores and returns it", async () => {
    const { key, profile, event } = await createWorld();
    const path = `/v1/events/${event.uid}/integration` as const;
    expect(expectError(await api("GET", path, { key }), 404, "NOT_FOUND").message).toMatch(
      /Override/,
    );
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const body = {
      integration_id: integration.id,
      field_mapping: [{ name: "ticket", value: "VIP" }],
      mapping_mode: "replace",
      fire_on_payment: true,
      webhooks_enabled: false,
    };
    const put = await api("PUT", path, { key, body });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({
      event_uid: event.uid,
      ...body,
      created_at: put.body.data.created_at,
      updated_at: put.body.data.created_at,
    });
    expect((await api("GET", path, { key })).body.data).toEqual(put.body.data);
    const row = await env.DB.prepare("SELECT * FROM event_overrides WHERE event_id = ?")
      .bind(event.uid)
      .first();
    expect(row).toMatchObject({
      integration_id: integration.id,
      mapping_mode: "replace",
      fire_on_payment: 1,
      webhooks_enabled: 0,
    });

    const defaults = await api("PUT", path, { key, body: {} });
    expect(defaults.body.data).toMatchObject({
      integration_id: null,
      field_mapping: [],
      mapping_mode: "merge",
      fire_on_payment: null,
      webhooks_enabled: true,
      created_at: put.body.data.created_at,
    });

    expect((await api("DELETE", path, { key })).status).toBe(204);
    expectError(await api("GET", path, { key }), 404, "NOT_FOUND");
    expectError(await api("DELETE", path, { key }), 404, "NOT_FOUND");
  });

  it("locks the override integration's fixed fields, and gives the profile's back on delete", async () => {
    const { key, profile, event } = await createWorld();
    const { special } = await activeAndSpecial(key, profile.uid);
    expect(await lockedNames(key, event.uid)).toEqual(["cpy_vat_number"]);
    const path = `/v1/events/${event.uid}/integration` as const;
    await api("PUT", path, { key, body: { integration_id: special.id } });
    expect(await lockedNames(key, event.uid)).toEqual(["po_number"]);
    await api("PUT", path, { key, body: { integration_id: null, fire_on_payment: true } });
    expect(await lockedNames(key, event.uid)).toEqual(["cpy_vat_number"]);
    await api("PUT", path, { key, body: { integration_id: special.id } });
    await api("DELETE", path, { key });
    expect(await lockedNames(key, event.uid)).toEqual(["cpy_vat_number"]);
  });

  it("refuses bad bodies, unknown events and another account's integration", async () => {
    const { key, event } = await createWorld();
    const stranger = await createWorld();
    const theirs = await createIntegration(stranger.key);
    const path = `/v1/events/${event.uid}/integration` as const;
    const bad = await api("PUT", path, {
      key,
      body: { mapping_mode: "append", fire_on_payment: "yes", field_mapping: [{ name: "x" }] },
    });
    expect(
      expectError(bad, 400, "VALIDATION_FAILED")
        .details.map((d) => d.path)
        .sort(),
    ).toEqual(["field_mapping.0", "fire_on_payment", "mapping_mode"]);
    const foreign = await api("PUT", path, { key, body: { integration_id: theirs.id } });
    expect(expectError(foreign, 400, "VALIDATION_FAILED").details[0].path).toBe("integration_id");
    expectError(
      await api("PUT", "/v1/events/evt_nope/integration", { key, body: {} }),
      404,
      "NOT_FOUND",
    );
  });

  it("refuses an integration not linked to the event's profile with 422, changing nothing", async () => {
    const { key, profile, event } = await createWorld();
    const elsewhere = await createProfile(key);
    const unlinked = await createIntegration(key, { profile_uids: [elsewhere.uid] });
    const path = `/v1/events/${event.uid}/integration` as const;
    const refused = await api("PUT", path, { key, body: { integration_id: unlinked.id } });
    const error = expectError(refused, 422, "UNPROCESSABLE");
    expect(error.details).toEqual([
      {
        path: "integration_id",
        message: `Link ${unlinked.id} to profile ${profile.uid} (its \`profile_uids\`) first.`,
      },
    ]);
    expectError(await api("GET", path, { key }), 404, "NOT_FOUND");

    await api("PATCH", `/v1/integrations/${unlinked.id}`, {
      key,
      body: { profile_uids: [elsewhere.uid, profile.uid] },
    });
    const put = await api("PUT", path, { key, body: { integration_id: unlinked.id } });
    expect(put.body.data.integration_id).toBe(unlinked.id);
  });

  it("unlinking the profile points its events' overrides back at the profile, forms included", async () => {
    const { key, profile, event } = await createWorld();
    const other = await createEvent(key, profile.uid);
    const { special } = await activeAndSpecial(key, profile.uid);
    for (const uid of [event.uid, other.uid]) {
      await api("PUT", `/v1/events/${uid}/integration`, {
        key,
        body: { integration_id: special.id, mapping_mode: "replace" },
      });
      expect(await lockedNames(key, uid)).toEqual(["po_number"]);
    }

    const unlinked = await api("PATCH", `/v1/integrations/${special.id}`, {
      key,
      body: { profile_uids: [] },
    });
    expect(unlinked.body.data.profile_uids).toEqual([]);
    for (const uid of [event.uid, other.uid]) {
      const override = await api("GET", `/v1/events/${uid}/integration`, { key });
      // The rest of the override stays: only the integration it named goes.
      expect(override.body.data).toMatchObject({ integration_id: null, mapping_mode: "replace" });
      expect(await lockedNames(key, uid)).toEqual(["cpy_vat_number"]);
    }
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM event_overrides WHERE integration_id = ?",
    )
      .bind(special.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

const withOverride = async (owner: { key: string }) => {
  const profile = await createProfile(owner.key);
  const event = await createEvent(owner.key, profile.uid);
  const path = `/v1/events/${event.uid}/integration` as const;
  expect((await api("PUT", path, { key: owner.key, body: {} })).status).toBe(200);
  return path;
};

describeAuth("GET /v1/events/{uid}/integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "GET", path: await withOverride(owner) }),
});
describeAuth("PUT /v1/events/{uid}/integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "PUT", path: await withOverride(owner), body: {} }),
});
describeAuth("DELETE /v1/events/{uid}/integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => ({ method: "DELETE", path: await withOverride(owner) }),
});
