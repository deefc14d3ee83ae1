import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { KEY_SCOPES, type KeyScope } from "../../src/lib/types";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWebhook,
  createWorld,
} from "../factories";
import { api, request } from "../helpers/api";
import { channelUrl, newChannel } from "../helpers/receiver";
import { adminKeyPool, expectContractError, keyPool } from "./support";

/**
 * Every route x every kind of caller gets the status API.md §2 and §8 say (integration keys with
 * each scope, linked or not), and no answer to a caller shows identifiers of data it may not see.
 */

type Owner = {
  accountId: string;
  key: string;
  linked: { profile: string; event: string; attendee: string };
  unlinked: { profile: string; event: string; attendee: string };
  integration: string;
  liveKeyId: string;
  webhook: string;
  adminKeyId: string;
  delivery: string;
  deliveryIntegration: string;
  deliveryWebhook: string;
};

/**
 * - bootstrap: only the bootstrap token.
 * - account: an admin route about the caller's own account (another account sees its own).
 * - resource: an admin route on the owner's resource (another account gets 404).
 * - scoped / scopedList: what an integration key with the route's scope may also do, on one
 *   thing of a linked profile (others: 404) or on the list of them.
 */
type Kind = "bootstrap" | "account" | "resource" | "scoped" | "scopedList";

type Route = {
  kind: Kind;
  method: string;
  path: (o: Owner) => string;
  body?: (o: Owner) => unknown;
  /** The owner's answer when not 200 (a read of something unset). */
  ownerStatus?: number;
  /** What an integration key needs on a scoped route. */
  scope?: KeyScope;
  /** A scoped key's success when not 200 (a create). */
  scopedStatus?: number;
};

const r = (
  kind: Kind,
  method: string,
  path: Route["path"],
  body?: Route["body"],
  ownerStatus?: number,
): Route => ({ kind, method, path, body, ownerStatus });

/** A route an integration key with `scope` may also call. */
const scoped = (
  scope: KeyScope,
  method: string,
  path: Route["path"],
  options: { list?: true; body?: Route["body"]; status?: number } = {},
): Route => ({
  kind: options.list ? "scopedList" : "scoped",
  method,
  path,
  body: options.body,
  scope,
  scopedStatus: options.status,
});

const mapping = { field_mapping: [{ name: "e", mapped_to: "email" }] };

const ROUTES: Route[] = [
  r(
    "bootstrap",
    "POST",
    () => "/v1/accounts",
    () => ({ name: "Acme" }),
  ),
  r("account", "GET", () => "/v1/account"),
  r("account", "POST", () => "/v1/account/admin-keys"),
  r("account", "GET", () => "/v1/account/admin-keys"),
  r("resource", "DELETE", (o) => `/v1/account/admin-keys/${o.adminKeyId}`),
  r("account", "GET", () => "/v1/account/field-mapping"),
  r(
    "account",
    "PUT",
    () => "/v1/account/field-mapping",
    () => mapping,
  ),
  r(
    "account",
    "POST",
    () => "/v1/profiles",
    () => ({ name: "Brand" }),
  ),
  r("account", "GET", () => "/v1/profiles"),
  r("resource", "GET", (o) => `/v1/profiles/${o.linked.profile}`),
  r(
    "resource",
    "PATCH",
    (o) => `/v1/profiles/${o.linked.profile}`,
    () => ({ name: "x" }),
  ),
  r("resource", "DELETE", (o) => `/v1/profiles/${o.linked.profile}`),
  r("resource", "GET", (o) => `/v1/profiles/${o.linked.profile}/field-mapping`),
  r(
    "resource",
    "PUT",
    (o) => `/v1/profiles/${o.linked.profile}/field-mapping`,
    () => mapping,
  ),
  r("resource", "GET", (o) => `/v1/profiles/${o.linked.profile}/integration`),
  r(
    "resource",
    "PUT",
    (o) => `/v1/profiles/${o.linked.profile}/integration`,
    (o) => ({ integration_id: o.integration }),
  ),
  r("resource", "DELETE", (o) => `/v1/profiles/${o.linked.profile}/integration`),
  r(
    "resource",
    "POST",
    () => "/v1/events",
    (o) => ({
      profile_uid: o.linked.profile,
      name: "Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    }),
  ),
  scoped("events:read", "GET", () => "/v1/events", { list: true }),
  scoped("events:read", "GET", (o) => `/v1/events/${o.linked.event}`),
  r(
    "resource",
    "PATCH",
    (o) => `/v1/events/${o.linked.event}`,
    () => ({ name: "x" }),
  ),
  r("resource", "DELETE", (o) => `/v1/events/${o.linked.event}`),
  scoped("events:read", "GET", (o) => `/v1/events/${o.linked.event}/fields`),
  r("resource", "GET", (o) => `/v1/events/${o.linked.event}/integration`, undefined, 404),
  r(
    "resource",
    "PUT",
    (o) => `/v1/events/${o.linked.event}/integration`,
    () => mapping,
  ),
  r("resource", "DELETE", (o) => `/v1/events/${o.linked.event}/integration`),
  r("resource", "GET", (o) => `/v1/events/${o.linked.event}/effective-integration`),
  r("resource", "GET", (o) => `/v1/events/${o.linked.event}/actions`),
  r("resource", "POST", (o) => `/v1/events/${o.linked.event}/actions/${o.webhook}`),
  scoped("attendees:write", "POST", () => "/v1/attendees", {
    body: (o) => ({ event_uid: o.linked.event, fields: { email: "guest@example.com" } }),
    status: 201,
  }),
  scoped("attendees:read", "GET", () => "/v1/attendees", { list: true }),
  scoped("attendees:read", "GET", (o) => `/v1/attendees/${o.linked.attendee}`),
  scoped("attendees:write", "PATCH", (o) => `/v1/attendees/${o.linked.attendee}`, {
    body: () => ({ fields: { firstname: "x" } }),
  }),
  r("resource", "DELETE", (o) => `/v1/attendees/${o.linked.attendee}`),
  scoped("attendees:write", "POST", (o) => `/v1/attendees/${o.linked.attendee}/payments`, {
    body: () => ({ amount: 10, method: "card" }),
  }),
  r("resource", "GET", (o) => `/v1/attendees/${o.linked.attendee}/actions`),
  r("resource", "POST", (o) => `/v1/attendees/${o.linked.attendee}/actions/${o.webhook}`),
  r(
    "account",
    "POST",
    () => "/v1/integrations",
    () => ({ name: "CRM" }),
  ),
  r("account", "GET", () => "/v1/integrations"),
  r("resource", "GET", (o) => `/v1/integrations/${o.integration}`),
  r(
    "resource",
    "PATCH",
    (o) => `/v1/integrations/${o.integration}`,
    () => ({ name: "x" }),
  ),
  r("resource", "DELETE", (o) => `/v1/integrations/${o.integration}`),
  r("resource", "POST", (o) => `/v1/integrations/${o.integration}/keys`),
  r("resource", "GET", (o) => `/v1/integrations/${o.integration}/keys`),
  r(
    "resource",
    "POST",
    (o) => `/v1/integrations/${o.integration}/keys/${o.liveKeyId}/rotate`,
    () => ({ grace_seconds: 0 }),
  ),
  r("resource", "DELETE", (o) => `/v1/integrations/${o.integration}/keys/${o.liveKeyId}`),
  r(
    "resource",
    "POST",
    (o) => `/v1/integrations/${o.integration}/webhooks`,
    () => ({ name: "w", trigger: "guest.create", url: "https://crm.example.com/h" }),
  ),
  r("resource", "GET", (o) => `/v1/integrations/${o.integration}/webhooks`),
  r("resource", "GET", (o) => `/v1/integrations/${o.integration}/webhooks/${o.webhook}`),
  r(
    "resource",
    "PATCH",
    (o) => `/v1/integrations/${o.integration}/webhooks/${o.webhook}`,
    () => ({ name: "x" }),
  ),
  r("resource", "DELETE", (o) => `/v1/integrations/${o.integration}/webhooks/${o.webhook}`),
  r(
    "resource",
    "POST",
    (o) => `/v1/integrations/${o.integration}/webhooks/${o.webhook}/secret/rotate`,
  ),
  r("resource", "POST", (o) => `/v1/integrations/${o.integration}/webhooks/${o.webhook}/test`),
  r(
    "resource",
    "POST",
    (o) => `/v1/integrations/${o.deliveryIntegration}/webhooks/${o.deliveryWebhook}/recover`,
    () => ({ since: "2026-01-01T00:00:00Z" }),
  ),
  r("resource", "GET", (o) => `/v1/integrations/${o.deliveryIntegration}/deliveries`),
  r("resource", "GET", (o) => `/v1/deliveries/${o.delivery}`),
  r("resource", "POST", (o) => `/v1/deliveries/${o.delivery}/redeliver`),
];

type Caller =
  | "none"
  | "malformed"
  | "unknown"
  | "revoked"
  | "expiredRotated"
  | "bootstrap"
  | "otherAdmin"
  | "liveLinked"
  | "liveEventsOnly"
  | "liveWriter"
  | "liveNoApiAccess"
  | "liveUnlinked"
  | "liveWriterUnlinked"
  | "owner";

type LiveCaller = Extract<Caller, `live${string}`>;

/** Each integration key: its scopes and whether its integration is linked to the owner's profile. */
const LIVE: Record<LiveCaller, { scopes: KeyScope[]; linked: boolean; apiAccess?: false }> = {
  liveLinked: { scopes: ["events:read", "attendees:read"], linked: true },
  liveEventsOnly: { scopes: ["events:read"], linked: true },
  liveWriter: { scopes: ["attendees:write"], linked: true },
  liveNoApiAccess: { scopes: [...KEY_SCOPES], linked: true, apiAccess: false },
  liveUnlinked: { scopes: ["events:read", "attendees:read"], linked: false },
  liveWriterUnlinked: { scopes: [...KEY_SCOPES], linked: false },
};

const isLive = (caller: Caller): caller is LiveCaller => caller in LIVE;

/** The status each caller must get on a route (owner: read routes only). */
function expected(route: Route, caller: Caller): number | "own" {
  const { kind } = route;
  if (["none", "malformed", "unknown", "revoked", "expiredRotated"].includes(caller)) return 401;
  if (caller === "bootstrap") return kind === "bootstrap" ? 201 : 403;
  if (kind === "bootstrap") return 403;
  if (caller === "owner") return route.ownerStatus ?? 200;
  if (caller === "otherAdmin") {
    return kind === "account" || kind === "scopedList" ? "own" : 404;
  }
  if (!isLive(caller)) throw new Error(`no expectation for ${caller}`);
  const live = LIVE[caller];
  if (kind !== "scoped" && kind !== "scopedList") return 403;
  if (live.apiAccess === false) return 403;
  if (!route.scope || !live.scopes.includes(route.scope)) return 403;
  if (!live.linked && kind === "scoped") return 404;
  return route.scopedStatus ?? 200;
}

let owner: Owner;
let revokedKey: string;
let expiredRotatedKey: string;
/**
 * The keys of the callers that hold a valid one, each a fresh key every 50 requests so none
 * meets the per-key rate limit however many routes the matrix has.
 */
let keys: Record<"owner" | "otherAdmin" | LiveCaller, () => Promise<string>>;

beforeAll(async () => {
  const account = await createAccount();
  const linkedProfile = await createProfile(account.key);
  const unlinkedProfile = await createProfile(account.key);
  const linkedEvent = await createEvent(account.key, linkedProfile.uid);
  const unlinkedEvent = await createEvent(account.key, unlinkedProfile.uid);
  const linkedAttendee = await createAttendee(account.key, linkedEvent.uid);
  const unlinkedAttendee = await createAttendee(account.key, unlinkedEvent.uid);
  const integration = await createIntegration(account.key, {
    profile_uids: [linkedProfile.uid],
    webhooks_enabled: false,
  });
  const live = await createIntegrationKey(account.key, integration.id);
  const webhook = await createWebhook(account.key, integration.id, {
    trigger: "guest.manual",
    url: channelUrl(newChannel()),
  });

  // A revoked admin key, and an integration key rotated with no grace: both through the API.
  const spare = await api("POST", "/v1/account/admin-keys", { key: account.key });
  revokedKey = spare.body.data.key;
  const revoked = await api("DELETE", `/v1/account/admin-keys/${spare.body.data.id}`, {
    key: account.key,
  });
  expect(revoked.status).toBe(204);
  const rotating = await createIntegrationKey(account.key, integration.id);
  const rotated = await api(
    "POST",
    `/v1/integrations/${integration.id}/keys/${rotating.id}/rotate`,
    { key: account.key, body: { grace_seconds: 0 } },
  );
  expect(rotated.status).toBe(201);
  expiredRotatedKey = rotating.key;

  // A delivery of the account, for the delivery routes: a manual action on an event of a third
  // profile, whose integration is active.
  const world = await createWorld({
    owner: account,
    integration: {},
    webhooks: [{ trigger: "event.manual" }],
  });
  const [hook] = world.webhooks;
  const fired = await api("POST", `/v1/events/${world.event.uid}/actions/${hook.id}`, {
    key: account.key,
  });
  expect(fired.status).toBe(202);

  owner = {
    accountId: account.account.id,
    key: account.key,
    linked: { profile: linkedProfile.uid, event: linkedEvent.uid, attendee: linkedAttendee.uid },
    unlinked: {
      profile: unlinkedProfile.uid,
      event: unlinkedEvent.uid,
      attendee: unlinkedAttendee.uid,
    },
    integration: integration.id,
    liveKeyId: live.id,
    webhook: webhook.id,
    adminKeyId: account.adminKey.id,
    delivery: fired.body.data.id,
    deliveryIntegration: hook.integration_id,
    deliveryWebhook: hook.id,
  };

  // Integration keys of the owner's account, of integrations linked to one profile.
  const liveKeys = async (caller: LiveCaller) => {
    const { scopes, linked, apiAccess } = LIVE[caller];
    const { id } = await createIntegration(account.key, {
      profile_uids: [linked ? linkedProfile.uid : unlinkedProfile.uid],
      api_access: apiAccess ?? true,
    });
    return keyPool(async () => (await createIntegrationKey(account.key, id, { scopes })).key);
  };
  keys = {
    owner: adminKeyPool(account.key),
    otherAdmin: adminKeyPool((await createAccount()).key),
    liveLinked: await liveKeys("liveLinked"),
    liveEventsOnly: await liveKeys("liveEventsOnly"),
    liveWriter: await liveKeys("liveWriter"),
    liveNoApiAccess: await liveKeys("liveNoApiAccess"),
    liveUnlinked: await liveKeys("liveUnlinked"),
    liveWriterUnlinked: await liveKeys("liveWriterUnlinked"),
  };
});

/** The authorization header each caller sends. */
async function credentials(caller: Caller): Promise<string | null> {
  switch (caller) {
    case "none":
      return null;
    case "malformed":
      return `Basic ${btoa("admin:admin")}`;
    case "unknown":
      return `Bearer wft_admin_${"A".repeat(43)}`;
    case "revoked":
      return `Bearer ${revokedKey}`;
    case "expiredRotated":
      return `Bearer ${expiredRotatedKey}`;
    case "bootstrap":
      return `Bearer ${env.BOOTSTRAP_TOKEN}`;
    default:
      return `Bearer ${await keys[caller]()}`;
  }
}

/** Identifiers a caller must not see, unless it sent them itself. */
function hiddenFrom(caller: Caller, kind: Kind): string[] {
  const all = [
    owner.accountId,
    owner.linked.profile,
    owner.linked.event,
    owner.linked.attendee,
    owner.unlinked.profile,
    owner.unlinked.event,
    owner.unlinked.attendee,
    owner.integration,
    owner.liveKeyId,
    owner.webhook,
    owner.adminKeyId,
    owner.delivery,
    owner.deliveryIntegration,
    owner.deliveryWebhook,
  ];
  if (caller === "owner") return [];
  const scopedRoute = kind === "scoped" || kind === "scopedList";
  if (isLive(caller) && LIVE[caller].linked && scopedRoute) {
    return [
      owner.accountId,
      owner.unlinked.profile,
      owner.unlinked.event,
      owner.unlinked.attendee,
      owner.liveKeyId,
      owner.adminKeyId,
      owner.webhook,
      owner.delivery,
    ];
  }
  if (isLive(caller) && !LIVE[caller].linked && scopedRoute) {
    // Linked to the other profile: it sees that one, never the first.
    const visible = [owner.unlinked.profile, owner.unlinked.event, owner.unlinked.attendee];
    return all.filter((id) => !visible.includes(id));
  }
  return all;
}

const CALLERS: Caller[] = [
  "none",
  "malformed",
  "unknown",
  "revoked",
  "expiredRotated",
  "bootstrap",
  "otherAdmin",
  ...(Object.keys(LIVE) as LiveCaller[]),
  "owner",
];

describe("authorization matrix", () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path.toString()}`, route] as const))(
    "%s",
    async (_label, route) => {
      const path = route.path(owner);
      const body = route.body?.(owner);
      const sent = `${path} ${JSON.stringify(body ?? null)}`;
      const failures: string[] = [];
      for (const caller of CALLERS) {
        const want = expected(route, caller);
        // The owner's own writes are the route tests' business; here they would undo the world.
        if (caller === "owner" && route.method !== "GET") continue;
        if (caller === "bootstrap" && route.kind === "bootstrap") continue; // creates accounts
        const authorization = await credentials(caller);
        const response = await request(route.method, path, {
          body,
          headers: authorization ? { authorization } : {},
        });
        const ok =
          want === "own"
            ? response.status >= 200 && response.status < 300
            : response.status === want;
        if (!ok) {
          failures.push(
            `${caller}: want ${want}, got ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`,
          );
          continue;
        }
        if (response.status >= 400) expectContractError(response);
        const text = JSON.stringify(response.body ?? "");
        for (const id of hiddenFrom(caller, route.kind)) {
          if (!sent.includes(id) && text.includes(id)) failures.push(`${caller}: leaks ${id}`);
        }
      }
      expect(failures, `${route.method} ${path}`).toEqual([]);
    },
  );

  it("an integration key's read shows only its linked profile's events and attendees", async () => {
    const key = await keys.liveLinked();
    const events = await api("GET", "/v1/events?page_size=200", { key });
    expect(events.body.data.map((e) => e.uid)).toEqual([owner.linked.event]);
    // The linked profile's guests: the first, and those the writing keys registered.
    const linkedGuests = await env.DB.prepare(
      "SELECT id FROM attendees WHERE profile_id = ? ORDER BY created_at, rowid",
    )
      .bind(owner.linked.profile)
      .all<{ id: string }>();
    const guests = await api("GET", "/v1/attendees?page_size=200", { key });
    expect(guests.body.data.map((g) => g.uid)).toEqual(linkedGuests.results.map((g) => g.id));
    expect(guests.body.data.map((g) => g.uid)).toContain(owner.linked.attendee);
    expect(guests.body.data.every((g) => g.profile_uid === owner.linked.profile)).toBe(true);
  });
});
