import { api, BOOTSTRAP } from "./helpers/api";

let counter = 0;
const unique = (label: string) => `${label} ${++counter}-${crypto.randomUUID().slice(0, 6)}`;

/** Asserts a status and returns `data`, so a factory that fails says why. */
function dataOf(response: { status: number; body: { data?: unknown } }, status: number) {
  if (response.status !== status) {
    throw new Error(
      `factory expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  // biome-ignore lint/suspicious/noExplicitAny: factories hand back JSON for tests to read
  return response.body.data as any;
}

/** A fresh account; `key` is its admin key. */
export async function createAccount(name = unique("Account")) {
  const response = await api("POST", "/v1/accounts", { key: BOOTSTRAP, body: { name } });
  const data = dataOf(response, 201);
  return { account: data.account, key: data.admin_key.key as string, adminKey: data.admin_key };
}

export async function createProfile(key: string, body: Record<string, unknown> = {}) {
  return dataOf(
    await api("POST", "/v1/profiles", { key, body: { name: unique("Profile"), ...body } }),
    201,
  );
}

export async function createEvent(
  key: string,
  profileUid: string,
  body: Record<string, unknown> = {},
) {
  const event = {
    profile_uid: profileUid,
    name: unique("Event"),
    start_date: "2026-06-12T07:00:00Z",
    end_date: "2026-06-13T16:00:00Z",
    ...body,
  };
  return dataOf(await api("POST", "/v1/events", { key, body: event }), 201);
}

export async function createAttendee(
  key: string,
  eventUid: string,
  fields: Record<string, unknown> = {},
  body: Record<string, unknown> = {},
) {
  const attendee = {
    event_uid: eventUid,
    fields: {
      email: `${crypto.randomUUID().slice(0, 8)}@example.com`,
      firstname: "Jane",
      ...fields,
    },
    ...body,
  };
  return dataOf(await api("POST", "/v1/attendees", { key, body: attendee }), 201);
}

/** An account with a profile and an event: the usual starting point. */
export async function createWorld() {
  const { account, key } = await createAccount();
  const profile = await createProfile(key);
  const event = await createEvent(key, profile.uid);
  return { account, key, profile, event };
}

/** An integration of the account (admin key), linked to `profile_uids` when given. */
export async function createIntegration(key: string, body: Record<string, unknown> = {}) {
  return dataOf(
    await api("POST", "/v1/integrations", { key, body: { name: unique("Integration"), ...body } }),
    201,
  );
}

/** A new `wft_live_` key of the integration; `key` holds the secret. */
export async function createIntegrationKey(key: string, integrationId: string) {
  return dataOf(await api("POST", `/v1/integrations/${integrationId}/keys`, { key }), 201);
}

/** A webhook of the integration; `secret` holds its signing secret. */
export async function createWebhook(
  key: string,
  integrationId: string,
  body: Record<string, unknown> = {},
) {
  const webhook = {
    name: unique("Webhook"),
    trigger: "guest.create",
    url: "https://crm.example.com/hooks/weft",
    ...body,
  };
  return dataOf(
    await api("POST", `/v1/integrations/${integrationId}/webhooks`, { key, body: webhook }),
    201,
  );
}
