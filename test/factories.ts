import type { components } from "../clients/typescript/src/schema";
import { type ApiResponse, api, BOOTSTRAP } from "./helpers/api";
import { channelUrl, newChannel, script } from "./helpers/receiver";
import type { ScriptedResponse } from "./receiver/server";

/**
 * The one way tests build the world they need: through the API, as an organiser would. Each
 * factory asserts its call succeeded (saying why when not) and returns the created resource.
 */

type Schemas = components["schemas"];
export type Account = Awaited<ReturnType<typeof createAccount>>;

let counter = 0;
const unique = (label: string) => `${label} ${++counter}-${crypto.randomUUID().slice(0, 6)}`;

/** The `data` of a success, or an error saying what the factory got instead. */
function created<T>(response: ApiResponse<{ data: T } | undefined>, status = 201): T {
  if (response.status !== status || !response.body) {
    throw new Error(
      `factory expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body.data;
}

/** A fresh account; `key` is its admin key. */
export async function createAccount(name = unique("Account")) {
  const data = created(await api("POST", "/v1/accounts", { key: BOOTSTRAP, body: { name } }));
  return { account: data.account, key: data.admin_key.key, adminKey: data.admin_key };
}

export async function createProfile(
  key: string,
  body: Partial<Schemas["CreateProfile"]> = {},
): Promise<Schemas["Profile"]> {
  return created(
    await api("POST", "/v1/profiles", { key, body: { name: unique("Profile"), ...body } }),
  );
}

export async function createEvent(
  key: string,
  profileUid: string,
  body: Partial<Schemas["CreateEvent"]> = {},
): Promise<Schemas["Event"]> {
  const event = {
    profile_uid: profileUid,
    name: unique("Event"),
    start_date: "2026-06-12T07:00:00Z",
    end_date: "2026-06-13T16:00:00Z",
    ...body,
  };
  return created(await api("POST", "/v1/events", { key, body: event }));
}

export async function createAttendee(
  key: string,
  eventUid: string,
  fields: Record<string, unknown> = {},
  body: Partial<Schemas["CreateAttendee"]> = {},
): Promise<Schemas["Attendee"]> {
  const attendee = {
    event_uid: eventUid,
    fields: {
      email: `${crypto.randomUUID().slice(0, 8)}@example.com`,
      firstname: "Jane",
      ...fields,
    },
    ...body,
  };
  return created(await api("POST", "/v1/attendees", { key, body: attendee }));
}

/**
 * An integration of the account (admin key), linked to `profile_uids` when given. Its API access
 * is on unless the body says otherwise (the API's default is off): most tests use its keys.
 */
export async function createIntegration(
  key: string,
  body: Partial<Schemas["CreateIntegration"]> = {},
): Promise<Schemas["Integration"]> {
  const integration = { name: unique("Integration"), api_access: true, ...body };
  return created(await api("POST", "/v1/integrations", { key, body: integration }));
}

/** A new `wft_live_` key of the integration (read-only unless `body` says); `key` holds the secret. */
export async function createIntegrationKey(
  key: string,
  integrationId: string,
  body?: Schemas["CreateIntegrationKey"],
) {
  return created(await api("POST", `/v1/integrations/${integrationId}/keys`, { key, body }));
}

/** A webhook of the integration; `secret` holds its signing secret. */
export async function createWebhook(
  key: string,
  integrationId: string,
  body: Partial<Schemas["CreateWebhook"]> = {},
): Promise<Schemas["CreatedWebhook"]> {
  const webhook = {
    name: unique("Webhook"),
    trigger: "guest.create" as const,
    url: "https://crm.example.com/hooks/weft",
    ...body,
  };
  return created(
    await api("POST", `/v1/integrations/${integrationId}/webhooks`, { key, body: webhook }),
  );
}

/** Makes `integrationId` the profile's active integration (webhooks fire for it). */
export async function activate(key: string, profileUid: string, integrationId: string) {
  return created(
    await api("PUT", `/v1/profiles/${profileUid}/integration`, {
      key,
      body: { integration_id: integrationId },
    }),
    200,
  );
}

export type WorldOptions = {
  /** An existing account (with its admin key) instead of a new one. */
  owner?: { account: { id: string }; key: string };
  event?: Partial<Schemas["CreateEvent"]>;
  accountMapping?: Schemas["FieldMapping"];
  profileMapping?: Schemas["FieldMapping"];
  /** An integration linked to the profile (active on it unless `active: false`). */
  integration?: Partial<Schemas["CreateIntegration"]> & { active?: boolean };
  /** Webhooks of that integration; each targets a fresh receiver channel unless it has a `url`. */
  webhooks?: Partial<Schemas["CreateWebhook"]>[];
};

/**
 * An account with a profile and an event, and as asked an integration (linked, active) with
 * webhooks on the receiver and mappings at each level: the starting point of most tests.
 */
export async function createWorld(options: WorldOptions = {}) {
  const owner = options.owner ?? (await createAccount());
  const { key } = owner;
  if (options.accountMapping) {
    created(
      await api("PUT", "/v1/account/field-mapping", {
        key,
        body: { field_mapping: options.accountMapping },
      }),
      200,
    );
  }
  const profile = await createProfile(key);
  if (options.profileMapping) {
    created(
      await api("PUT", `/v1/profiles/${profile.uid}/field-mapping`, {
        key,
        body: { field_mapping: options.profileMapping },
      }),
      200,
    );
  }
  // `active` is the world's choice, not a property of the integration the API would accept.
  const { active, ...integrationBody } = options.integration ?? {};
  const integration = options.integration
    ? await createIntegration(key, { profile_uids: [profile.uid], ...integrationBody })
    : undefined;
  const webhooks = [];
  for (const body of integration ? (options.webhooks ?? []) : []) {
    const channel = newChannel();
    const webhook = await createWebhook(key, (integration as { id: string }).id, {
      url: channelUrl(channel),
      ...body,
    });
    webhooks.push({ ...webhook, channel });
  }
  if (integration && active !== false) {
    await activate(key, profile.uid, integration.id);
  }
  // The event comes last, so the active integration's fixed fields are in its form.
  const event = await createEvent(key, profile.uid, options.event);
  return { ...owner, key, profile, event, integration, webhooks };
}

/**
 * A webhook of the integration on a fresh receiver channel (test/helpers/receiver.ts), returned
 * with its `channel` and `secret`: for webhooks added once the world exists (on one of its events).
 */
export async function createReceiverWebhook(
  key: string,
  integrationId: string,
  body: Partial<Schemas["CreateWebhook"]> = {},
) {
  const channel = newChannel();
  const webhook = await createWebhook(key, integrationId, { url: channelUrl(channel), ...body });
  return { ...webhook, channel };
}

/** `createWorld` with an integration (`{}` unless given), typed as present. */
export async function createWorldWithIntegration(options: WorldOptions = {}) {
  const world = await createWorld({ ...options, integration: options.integration ?? {} });
  if (!world.integration) throw new Error("createWorld made no integration");
  return { ...world, integration: world.integration };
}

/** A guest registered with bindings changed for that one request (a held or failing TRIGGERS). */
export async function createAttendeeWithEnv(env: Partial<Env>, key: string, eventUid: string) {
  const body = { event_uid: eventUid, fields: { email: "jane@example.com", firstname: "Jane" } };
  return created(await api("POST", "/v1/attendees", { key, body, env }));
}

/**
 * A world whose active integration has one webhook (guest.create unless `webhook` says) on a
 * fresh receiver channel answering `steps`; `hook` is that webhook with its channel.
 */
export async function createWorldAnswering(
  steps: ScriptedResponse[],
  webhook: Partial<Schemas["CreateWebhook"]> = {},
) {
  const world = await createWorldWithIntegration({ webhooks: [webhook] });
  const [hook] = world.webhooks;
  if (steps.length > 0) await script(hook.channel, steps);
  return { ...world, hook };
}
