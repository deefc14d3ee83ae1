import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import budgetTable from "../../bench/README.md?raw";
import { forgetEvent } from "../../src/services/known-events";
import {
  activate,
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createOperationalWebhook,
  createProfile,
  createWebhook,
  createWorld,
} from "../factories";
import { BOOTSTRAP, request } from "../helpers/api";
import { receivedAtLeast, script } from "../helpers/receiver";
import { type Cost, costMeter } from "../helpers/round-trips";
import { accountSettled } from "../helpers/stored";

/**
 * The round-trip budget (issue 13): what every operation of the OpenAPI document costs a client
 * far from the database, checked against the table in bench/README.md. A route that makes one
 * more sequential D1 round trip, writes to the primary once more, or waits for a queue send fails
 * here. Every request is made with a key the isolate has seen (the first request of a key in an
 * isolate makes one more round trip to look it up).
 */

type World = Awaited<ReturnType<typeof buildWorld>>;
type Call = { method: string; path: string; body?: unknown; key?: string; status: number };
type Case = (world: World) => Promise<Call>;

async function buildWorld() {
  const world = await createWorld({
    integration: { name: "CRM" },
    webhooks: [
      { trigger: "guest.create", name: "Push" },
      { trigger: "guest.manual", name: "Send badge" },
      { trigger: "event.manual", name: "Sync event" },
    ],
  });
  const integration = world.integration as { id: string };
  const [push, badge, sync] = world.webhooks;
  const live = await createIntegrationKey(world.key, integration.id);
  const attendee = await createAttendee(world.key, world.event.uid);
  const [delivered] = await receivedAtLeast(push.channel);
  const deliveryId = delivered.headers["webhook-id"];
  const fired = await request("GET", `/v1/triggers?subject_uid=${attendee.uid}`, {
    key: world.key,
  });
  const triggerId = (fired.body as { data: { id: string }[] }).data[0]?.id as string;
  // The operational endpoints' cases use an admin key of their own: the tests' rate limit is per key.
  const spare = await request("POST", "/v1/account/admin-keys", { key: world.key });
  const opsKey = (spare.body as { data: { key: string } }).data.key;
  const ops = await createOperationalWebhook(opsKey);
  // Warm this isolate's knowledge of the keys, as any running isolate has it.
  for (const key of [world.key, live.key, opsKey]) {
    await request("GET", "/v1/events", { key });
  }
  const delivery = { attendee, deliveryId, triggerId };
  return { ...world, ...delivery, integration, push, badge, sync, live, opsKey, ops };
}

const body = (w: World) => ({ key: w.key });

/** One successful call per operation, `METHOD /template` as the OpenAPI document writes it. */
const CASES: Record<string, Case> = {
  "POST /v1/accounts": async () => ({
    method: "POST",
    path: "/v1/accounts",
    key: BOOTSTRAP,
    body: { name: "Budget" },
    status: 201,
  }),
  "GET /v1/account": async (w) => ({ ...body(w), method: "GET", path: "/v1/account", status: 200 }),
  "POST /v1/account/admin-keys": async (w) => ({
    ...body(w),
    method: "POST",
    path: "/v1/account/admin-keys",
    status: 201,
  }),
  "GET /v1/account/admin-keys": async (w) => ({
    ...body(w),
    method: "GET",
    path: "/v1/account/admin-keys",
    status: 200,
  }),
  "DELETE /v1/account/admin-keys/{key_id}": async (w) => {
    const spare = await request("POST", "/v1/account/admin-keys", { key: w.key });
    const id = (spare.body as { data: { id: string } }).data.id;
    return { ...body(w), method: "DELETE", path: `/v1/account/admin-keys/${id}`, status: 204 };
  },
  "GET /v1/account/field-mapping": async (w) => ({
    ...body(w),
    method: "GET",
    path: "/v1/account/field-mapping",
    status: 200,
  }),
  "PUT /v1/account/field-mapping": async (w) => ({
    ...body(w),
    method: "PUT",
    path: "/v1/account/field-mapping",
    body: { field_mapping: [] },
    status: 200,
  }),
  "POST /v1/profiles": async (w) => ({
    ...body(w),
    method: "POST",
    path: "/v1/profiles",
    body: { name: "Brand" },
    status: 201,
  }),
  "GET /v1/profiles": async (w) => ({
    ...body(w),
    method: "GET",
    path: "/v1/profiles",
    status: 200,
  }),
  "GET /v1/profiles/{uid}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/profiles/${w.profile.uid}`,
    status: 200,
  }),
  "PATCH /v1/profiles/{uid}": async (w) => ({
    ...body(w),
    method: "PATCH",
    path: `/v1/profiles/${w.profile.uid}`,
    body: { name: "Renamed" },
    status: 200,
  }),
  "DELETE /v1/profiles/{uid}": async (w) => {
    const profile = await createProfile(w.key);
    return { ...body(w), method: "DELETE", path: `/v1/profiles/${profile.uid}`, status: 204 };
  },
  "GET /v1/profiles/{uid}/field-mapping": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/profiles/${w.profile.uid}/field-mapping`,
    status: 200,
  }),
  "PUT /v1/profiles/{uid}/field-mapping": async (w) => ({
    ...body(w),
    method: "PUT",
    path: `/v1/profiles/${w.profile.uid}/field-mapping`,
    body: { field_mapping: [] },
    status: 200,
  }),
  "POST /v1/events": async (w) => ({
    ...body(w),
    method: "POST",
    path: "/v1/events",
    body: {
      profile_uid: w.profile.uid,
      name: "Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    },
    status: 201,
  }),
  "GET /v1/events": async (w) => ({ ...body(w), method: "GET", path: "/v1/events", status: 200 }),
  "GET /v1/events/{uid}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/events/${w.event.uid}`,
    status: 200,
  }),
  "PATCH /v1/events/{uid}": async (w) => ({
    ...body(w),
    method: "PATCH",
    path: `/v1/events/${w.event.uid}`,
    body: { status: "Registering" },
    status: 200,
  }),
  "DELETE /v1/events/{uid}": async (w) => {
    const event = await createEvent(w.key, w.profile.uid);
    return { ...body(w), method: "DELETE", path: `/v1/events/${event.uid}`, status: 204 };
  },
  "GET /v1/events/{uid}/fields": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/events/${w.event.uid}/fields`,
    status: 200,
  }),
  "POST /v1/attendees": async (w) => ({
    ...body(w),
    method: "POST",
    path: "/v1/attendees",
    body: { event_uid: w.event.uid, fields: { email: "sam@example.com" } },
    status: 201,
  }),
  "GET /v1/attendees": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/attendees?event_uid=${w.event.uid}`,
    status: 200,
  }),
  "GET /v1/attendees/{uid}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/attendees/${w.attendee.uid}`,
    status: 200,
  }),
  "PATCH /v1/attendees/{uid}": async (w) => ({
    ...body(w),
    method: "PATCH",
    path: `/v1/attendees/${w.attendee.uid}`,
    body: { fields: { lastname: "Doe" } },
    status: 200,
  }),
  "DELETE /v1/attendees/{uid}": async (w) => {
    const attendee = await createAttendee(w.key, w.event.uid);
    return { ...body(w), method: "DELETE", path: `/v1/attendees/${attendee.uid}`, status: 204 };
  },
  "POST /v1/attendees/{uid}/payments": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/attendees/${w.attendee.uid}/payments`,
    body: { amount: 10, method: "card" },
    status: 200,
  }),
  "POST /v1/integrations": async (w) => ({
    ...body(w),
    method: "POST",
    path: "/v1/integrations",
    body: { name: "Badges", profile_uids: [w.profile.uid] },
    status: 201,
  }),
  "GET /v1/integration-templates": async (w) => ({
    ...body(w),
    method: "GET",
    path: "/v1/integration-templates",
    status: 200,
  }),
  "GET /v1/integration-templates/{id}": async (w) => ({
    ...body(w),
    method: "GET",
    path: "/v1/integration-templates/slack",
    status: 200,
  }),
  "GET /v1/integrations": async (w) => ({
    ...body(w),
    method: "GET",
    path: "/v1/integrations",
    status: 200,
  }),
  "GET /v1/integrations/{id}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/integrations/${w.integration.id}`,
    status: 200,
  }),
  "PATCH /v1/integrations/{id}": async (w) => ({
    ...body(w),
    method: "PATCH",
    path: `/v1/integrations/${w.integration.id}`,
    body: { name: "CRM sync" },
    status: 200,
  }),
  "DELETE /v1/integrations/{id}": async (w) => {
    const other = await createIntegration(w.key);
    return { ...body(w), method: "DELETE", path: `/v1/integrations/${other.id}`, status: 204 };
  },
  "POST /v1/integrations/{id}/keys": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/integrations/${w.integration.id}/keys`,
    status: 201,
  }),
  "GET /v1/integrations/{id}/keys": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/integrations/${w.integration.id}/keys`,
    status: 200,
  }),
  "POST /v1/integrations/{id}/keys/{key_id}/rotate": async (w) => {
    const key = await createIntegrationKey(w.key, w.integration.id);
    return {
      ...body(w),
      method: "POST",
      path: `/v1/integrations/${w.integration.id}/keys/${key.id}/rotate`,
      body: { grace_seconds: 0 },
      status: 201,
    };
  },
  "DELETE /v1/integrations/{id}/keys/{key_id}": async (w) => {
    const key = await createIntegrationKey(w.key, w.integration.id);
    return {
      ...body(w),
      method: "DELETE",
      path: `/v1/integrations/${w.integration.id}/keys/${key.id}`,
      status: 204,
    };
  },
  "POST /v1/integrations/{id}/webhooks": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/integrations/${w.integration.id}/webhooks`,
    body: { name: "Later", trigger: "guest.delete", url: "https://crm.example.com/hooks/weft" },
    status: 201,
  }),
  "GET /v1/integrations/{id}/webhooks": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/integrations/${w.integration.id}/webhooks`,
    status: 200,
  }),
  "GET /v1/integrations/{id}/webhooks/{webhook_id}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/integrations/${w.integration.id}/webhooks/${w.push.id}`,
    status: 200,
  }),
  "PATCH /v1/integrations/{id}/webhooks/{webhook_id}": async (w) => ({
    ...body(w),
    method: "PATCH",
    path: `/v1/integrations/${w.integration.id}/webhooks/${w.push.id}`,
    body: { name: "Push to CRM" },
    status: 200,
  }),
  "DELETE /v1/integrations/{id}/webhooks/{webhook_id}": async (w) => {
    const webhook = await createWebhook(w.key, w.integration.id, { trigger: "event.delete" });
    return {
      ...body(w),
      method: "DELETE",
      path: `/v1/integrations/${w.integration.id}/webhooks/${webhook.id}`,
      status: 204,
    };
  },
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/secret/rotate": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/integrations/${w.integration.id}/webhooks/${w.push.id}/secret/rotate`,
    status: 200,
  }),
  "GET /v1/profiles/{uid}/integration": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/profiles/${w.profile.uid}/integration`,
    status: 200,
  }),
  "PUT /v1/profiles/{uid}/integration": async (w) => ({
    ...body(w),
    method: "PUT",
    path: `/v1/profiles/${w.profile.uid}/integration`,
    body: { integration_id: w.integration.id },
    status: 200,
  }),
  "DELETE /v1/profiles/{uid}/integration": async (w) => {
    const profile = await createProfile(w.key);
    const other = await createIntegration(w.key, { profile_uids: [profile.uid] });
    await activate(w.key, profile.uid, other.id);
    return {
      ...body(w),
      method: "DELETE",
      path: `/v1/profiles/${profile.uid}/integration`,
      status: 200,
    };
  },
  "GET /v1/events/{uid}/integration": async (w) => {
    await request("PUT", `/v1/events/${w.event.uid}/integration`, {
      key: w.key,
      body: { fire_on_payment: true },
    });
    return {
      ...body(w),
      method: "GET",
      path: `/v1/events/${w.event.uid}/integration`,
      status: 200,
    };
  },
  "PUT /v1/events/{uid}/integration": async (w) => ({
    ...body(w),
    method: "PUT",
    path: `/v1/events/${w.event.uid}/integration`,
    body: { fire_on_payment: true },
    status: 200,
  }),
  "DELETE /v1/events/{uid}/integration": async (w) => {
    const event = await createEvent(w.key, w.profile.uid);
    await request("PUT", `/v1/events/${event.uid}/integration`, { key: w.key, body: {} });
    return {
      ...body(w),
      method: "DELETE",
      path: `/v1/events/${event.uid}/integration`,
      status: 204,
    };
  },
  "GET /v1/events/{uid}/effective-integration": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/events/${w.event.uid}/effective-integration`,
    status: 200,
  }),
  "GET /v1/triggers": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/triggers?event_uid=${w.event.uid}&outcome=fired`,
    status: 200,
  }),
  "GET /v1/triggers/{id}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/triggers/${w.triggerId}`,
    status: 200,
  }),
  "GET /v1/integrations/{id}/deliveries": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/integrations/${w.integration.id}/deliveries`,
    status: 200,
  }),
  "GET /v1/deliveries/{id}": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/deliveries/${w.deliveryId}`,
    status: 200,
  }),
  "POST /v1/deliveries/{id}/redeliver": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/deliveries/${w.deliveryId}/redeliver`,
    status: 202,
  }),
  "POST /v1/account/operational-webhooks": async (w) => ({
    key: w.opsKey,
    method: "POST",
    path: "/v1/account/operational-webhooks",
    body: { name: "On-call", url: "https://ops.example.com/hooks/weft" },
    status: 201,
  }),
  "GET /v1/account/operational-webhooks": async (w) => ({
    key: w.opsKey,
    method: "GET",
    path: "/v1/account/operational-webhooks",
    status: 200,
  }),
  "GET /v1/account/operational-webhooks/{id}": async (w) => ({
    key: w.opsKey,
    method: "GET",
    path: `/v1/account/operational-webhooks/${w.ops.id}`,
    status: 200,
  }),
  "PATCH /v1/account/operational-webhooks/{id}": async (w) => ({
    key: w.opsKey,
    method: "PATCH",
    path: `/v1/account/operational-webhooks/${w.ops.id}`,
    body: { name: "Pager" },
    status: 200,
  }),
  "POST /v1/account/operational-webhooks/{id}/secret/rotate": async (w) => ({
    key: w.opsKey,
    method: "POST",
    path: `/v1/account/operational-webhooks/${w.ops.id}/secret/rotate`,
    status: 200,
  }),
  "GET /v1/account/operational-webhooks/{id}/deliveries": async (w) => ({
    key: w.opsKey,
    method: "GET",
    path: `/v1/account/operational-webhooks/${w.ops.id}/deliveries`,
    status: 200,
  }),
  "DELETE /v1/account/operational-webhooks/{id}": async (w) => ({
    key: w.opsKey,
    method: "DELETE",
    path: `/v1/account/operational-webhooks/${(await createOperationalWebhook(w.opsKey)).id}`,
    status: 204,
  }),
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/recover": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/integrations/${w.integration.id}/webhooks/${w.push.id}/recover`,
    body: { since: "2026-01-01T00:00:00Z" },
    status: 202,
  }),
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/test": async (w) => {
    await script(w.push.channel, [{ status: 204 }]);
    return {
      ...body(w),
      method: "POST",
      path: `/v1/integrations/${w.integration.id}/webhooks/${w.push.id}/test`,
      status: 200,
    };
  },
  "POST /v1/integrations/{id}/mapping-preview": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/integrations/${w.integration.id}/mapping-preview`,
    body: { attendee_uid: w.attendee.uid, field_mapping: { event: [] } },
    status: 200,
  }),
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/preview": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/integrations/${w.integration.id}/webhooks/${w.push.id}/preview`,
    body: { attendee_uid: w.attendee.uid },
    status: 200,
  }),
  "GET /v1/events/{uid}/actions": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/events/${w.event.uid}/actions`,
    status: 200,
  }),
  "GET /v1/attendees/{uid}/actions": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/attendees/${w.attendee.uid}/actions`,
    status: 200,
  }),
  "POST /v1/events/{uid}/actions/{webhook_id}": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/events/${w.event.uid}/actions/${w.sync.id}`,
    status: 202,
  }),
  "POST /v1/attendees/{uid}/actions/{webhook_id}": async (w) => ({
    ...body(w),
    method: "POST",
    path: `/v1/attendees/${w.attendee.uid}/actions/${w.badge.id}`,
    status: 202,
  }),
  "GET /v1/events/{uid}/attendee-actions": async (w) => ({
    ...body(w),
    method: "GET",
    path: `/v1/events/${w.event.uid}/attendee-actions`,
    status: 200,
  }),
  "POST /v1/events/{uid}/attendee-actions/{webhook_id}": async (w) => {
    const other = await createAttendee(w.key, w.event.uid);
    return {
      ...body(w),
      method: "POST",
      path: `/v1/events/${w.event.uid}/attendee-actions/${w.badge.id}`,
      body: { guest_uids: [w.attendee.uid, other.uid] },
      status: 202,
    };
  },
};

/** Reads of an integration key: the same operations, scoped and mapped through its grant. */
const INTEGRATION_KEY_CASES: Record<string, Case> = {
  "GET /v1/events (integration key)": async (w) => ({
    method: "GET",
    path: "/v1/events",
    key: w.live.key,
    status: 200,
  }),
  "GET /v1/events/{uid} (integration key)": async (w) => ({
    method: "GET",
    path: `/v1/events/${w.event.uid}`,
    key: w.live.key,
    status: 200,
  }),
  "GET /v1/events/{uid}/fields (integration key)": async (w) => ({
    method: "GET",
    path: `/v1/events/${w.event.uid}/fields`,
    key: w.live.key,
    status: 200,
  }),
  "GET /v1/attendees (integration key)": async (w) => ({
    method: "GET",
    path: `/v1/attendees?event_uid=${w.event.uid}`,
    key: w.live.key,
    status: 200,
  }),
  "GET /v1/attendees (search, newest first, integration key)": async (w) => ({
    method: "GET",
    path: `/v1/attendees?event_uid=${w.event.uid}&q=example&sort=-created_at`,
    key: w.live.key,
    status: 200,
  }),
  "GET /v1/attendees/{uid} (integration key)": async (w) => ({
    method: "GET",
    path: `/v1/attendees/${w.attendee.uid}`,
    key: w.live.key,
    status: 200,
  }),
};

/** Operations whose cost depends on their body or on the isolate, measured apart: `METHOD /path (what)`. */
const VARIANT_CASES: Record<string, Case> = {
  "POST /v1/attendees (an event the isolate has not read)": async (w) => {
    forgetEvent({ accountId: w.account.id, id: w.event.uid });
    return createIn(w);
  },
  "POST /v1/attendees (an event changed since the isolate read it)": async (w) => {
    await changedElsewhere(w.event.uid);
    return createIn(w);
  },
  "POST /v1/attendees (what the remembered form refuses)": async (w) => ({
    ...createIn(w),
    body: { event_uid: w.event.uid, fields: { email: "not an e-mail" } },
    status: 422,
  }),
  "POST /v1/integrations (from a template)": async (w) => ({
    ...body(w),
    method: "POST",
    path: "/v1/integrations",
    body: {
      template: "slack",
      params: { webhook_url: `${env.RECEIVER_URL}/hooks/budget/services/T1/B1/abc` },
      profile_uids: [w.profile.uid],
    },
    status: 201,
  }),
};

function createIn(w: World): Call {
  const fields = { email: `${crypto.randomUUID()}@example.com` };
  return {
    ...body(w),
    method: "POST",
    path: "/v1/attendees",
    body: { event_uid: w.event.uid, fields },
    status: 201,
  };
}

/** The event as another isolate's change leaves it: its `updated_at` moved on, this isolate unaware. */
async function changedElsewhere(eventUid: string) {
  await env.DB.prepare("UPDATE events SET updated_at = ? WHERE id = ?")
    .bind(new Date().toISOString(), eventUid)
    .run();
}

/** The budget rows of bench/README.md: `| \`METHOD /path\` | round trips | primary | queue sends |`. */
function budgets(): Map<string, Cost> {
  const rows = new Map<string, Cost>();
  for (const match of budgetTable.matchAll(
    /^\| `([A-Z]+ \/[^`]*)` \| (\d+) \| (\d+) \| (\d+) \|/gm,
  )) {
    rows.set(match[1], {
      roundTrips: Number(match[2]),
      primaryRoundTrips: Number(match[3]),
      queueSends: Number(match[4]),
    });
  }
  return rows;
}

async function documentedOperations(): Promise<string[]> {
  const methods = ["get", "post", "put", "patch", "delete"];
  const document = (await request("GET", "/openapi.json")).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => methods.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

async function measure(world: World, build: Case): Promise<Cost> {
  const call = await build(world);
  const meter = costMeter();
  const response = await request(call.method, call.path, {
    key: call.key,
    body: call.body,
    env: meter.env,
    onResponse: meter.responded,
  });
  expect(response.status, `${call.method} ${call.path}: ${JSON.stringify(response.body)}`).toBe(
    call.status,
  );
  return { ...meter.cost };
}

describe("the round-trip budget (bench/README.md)", () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld();
  }, 60_000);
  // The cases fire manual actions, a recovery and creates: their deliveries finish before the file ends.
  afterAll(() => accountSettled(world.account.id), 40_000);

  it("has a case and a budget row for every operation of the OpenAPI document, and no others", async () => {
    const operations = (await documentedOperations()).sort();
    expect(Object.keys(CASES).sort()).toEqual(operations);
    const rows = [...budgets().keys()].filter((row) => !row.includes("(")).sort();
    expect(rows).toEqual(operations);
  });

  it("every operation costs what its row says", async () => {
    const table = budgets();
    const over: string[] = [];
    const all = { ...CASES, ...INTEGRATION_KEY_CASES, ...VARIANT_CASES };
    for (const [operation, build] of Object.entries(all)) {
      const cost = await measure(world, build);
      const budget = table.get(operation);
      if (JSON.stringify(cost) !== JSON.stringify(budget)) {
        over.push(
          `${operation}: measured ${JSON.stringify(cost)}, budget ${JSON.stringify(budget)}`,
        );
      }
    }
    expect(over).toEqual([]);
  }, 120_000);

  it("refuses a string that cannot be a key without touching D1, and an unknown key in one trip", async () => {
    const malformed = costMeter();
    const refused = await request("GET", "/v1/events", {
      key: "wft_admin_short",
      env: malformed.env,
      onResponse: malformed.responded,
    });
    expect(refused.status).toBe(401);
    expect(malformed.cost.roundTrips).toBe(0);

    const unknown = costMeter();
    const answer = await request("GET", "/v1/events", {
      key: `wft_admin_${"A".repeat(43)}`,
      env: unknown.env,
      onResponse: unknown.responded,
    });
    expect(answer.status).toBe(401);
    // The nearest replica, then the primary (a key created a moment ago may not be on the replica).
    expect(unknown.cost).toEqual({ roundTrips: 2, primaryRoundTrips: 0, queueSends: 0 });
  });

  it("a key new to the isolate costs one look-up more, and only once", async () => {
    const { key } = await createAccount();
    // createAccount's own request did not use the new key: this isolate has not seen it.
    const cold = costMeter();
    await request("GET", "/v1/profiles", { key, env: cold.env, onResponse: cold.responded });
    const warm = costMeter();
    await request("GET", "/v1/profiles", { key, env: warm.env, onResponse: warm.responded });
    expect(cold.cost).toEqual({ roundTrips: 2, primaryRoundTrips: 0, queueSends: 0 });
    expect(warm.cost).toEqual({ roundTrips: 1, primaryRoundTrips: 0, queueSends: 0 });
  });

  it("stamps a key's last use after the response, off the response path", async () => {
    // Scenario 7 once counted this stamp (a minute-old key's, after its request answered) as a
    // third round trip of the create that followed: it costs no response anything.
    const { key, adminKey } = await createAccount();
    const event = await createEvent(key, (await createProfile(key)).uid);
    const stampedAt = () =>
      env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?")
        .bind(adminKey.id)
        .first<{ last_used_at: string }>();
    const old = "2026-01-01T00:00:00.000Z";
    await env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
      .bind(old, adminKey.id)
      .run();
    const create = async () => {
      const meter = costMeter();
      const created = await request("POST", "/v1/attendees", {
        key,
        body: { event_uid: event.uid, fields: { email: `${crypto.randomUUID()}@example.com` } },
        env: meter.env,
        onResponse: meter.responded,
      });
      expect(created.status).toBe(201);
      return meter;
    };
    const stale = await create();
    expect(stale.cost).toEqual({ roundTrips: 1, primaryRoundTrips: 1, queueSends: 0 });
    // One batch after the response: the key's guard, then the stamp.
    expect(stale.afterResponse).toEqual([
      [
        expect.stringContaining("FROM api_keys WHERE hash"),
        expect.stringMatching(/^update "api_keys" set "last_used_at"/),
      ],
    ]);
    expect((await stampedAt())?.last_used_at).not.toBe(old);
    // Stamped less than a minute ago: the next request leaves nothing for after its response.
    const fresh = await create();
    expect(fresh.cost).toEqual({ roundTrips: 1, primaryRoundTrips: 1, queueSends: 0 });
    expect(fresh.afterResponse).toEqual([]);

    // Requests that overlap all read the stale stamp before the first one lands: one writes it.
    await env.DB.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
      .bind("2026-01-02T00:00:00.000Z", adminKey.id)
      .run();
    const overlapping = await Promise.all([create(), create(), create()]);
    expect(overlapping.flatMap((meter) => meter.afterResponse)).toEqual([
      [
        expect.stringContaining("FROM api_keys WHERE hash"),
        expect.stringMatching(/^update "api_keys" set "last_used_at"/),
      ],
    ]);
  });

  it("writes carry the bookmark of what they wrote, and a read sent with it opens its session there", async () => {
    const created = await request("POST", "/v1/profiles", {
      key: world.key,
      body: { name: "Bookmarked" },
    });
    const bookmark = created.headers.get("x-d1-bookmark");
    expect(bookmark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    const opened: (string | undefined)[] = [];
    const DB = new Proxy(env.DB, {
      get(target, property) {
        if (property === "withSession") {
          return (constraint?: string) => {
            opened.push(constraint);
            return target.withSession(constraint);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const read = await request("GET", "/v1/profiles", {
      key: world.key,
      headers: { "x-d1-bookmark": bookmark ?? "" },
      env: { DB },
    });
    expect(read.status).toBe(200);
    expect(opened[0]).toBe(bookmark);
    expect((read.headers.get("x-d1-bookmark") ?? "") >= (bookmark ?? "")).toBe(true);
    const fresh = await request("GET", "/v1/profiles", { key: world.key, env: { DB } });
    expect(fresh.status).toBe(200);
    expect(opened[1]).toBe("first-unconstrained");
  });
});
