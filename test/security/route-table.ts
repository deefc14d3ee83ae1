import { expect } from "vitest";
import type { KeyScope } from "../../src/lib/types";
import {
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
import { api } from "../helpers/api";
import { channelUrl, newChannel, waitFor } from "../helpers/receiver";

/**
 * Every /v1 route with a valid call on an owner's data: what the authorization matrix and the
 * object-level tests (test/security) run against every kind of caller.
 */

export type Owner = {
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
  operationalWebhook: string;
  trigger: string;
};

/**
 * - bootstrap: only the bootstrap token.
 * - account: an admin route about the caller's own account (another account sees its own).
 * - resource: an admin route on the owner's resource (another account gets 404).
 * - scoped / scopedList: what an integration key with the route's scope may also do, on one
 *   thing of a linked profile (others: 404) or on the list of them.
 */
export type Kind = "bootstrap" | "account" | "resource" | "scoped" | "scopedList";

export type Route = {
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

export const ROUTES: Route[] = [
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
  r("resource", "GET", (o) => `/v1/events/${o.linked.event}/attendee-actions`),
  r(
    "resource",
    "POST",
    (o) => `/v1/events/${o.linked.event}/attendee-actions/${o.webhook}`,
    (o) => ({ guest_uids: [o.linked.attendee] }),
  ),
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
  r("account", "GET", () => "/v1/integration-templates"),
  r("account", "GET", () => "/v1/integration-templates/slack"),
  r("resource", "GET", (o) => `/v1/integrations/${o.integration}`),
  r(
    "resource",
    "PATCH",
    (o) => `/v1/integrations/${o.integration}`,
    () => ({ name: "x" }),
  ),
  r("resource", "DELETE", (o) => `/v1/integrations/${o.integration}`),
  r(
    "resource",
    "POST",
    (o) => `/v1/integrations/${o.integration}/mapping-preview`,
    (o) => ({ attendee_uid: o.linked.attendee }),
  ),
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
    (o) => `/v1/integrations/${o.integration}/webhooks/${o.webhook}/preview`,
    (o) => ({ attendee_uid: o.linked.attendee }),
  ),
  r(
    "resource",
    "POST",
    (o) => `/v1/integrations/${o.deliveryIntegration}/webhooks/${o.deliveryWebhook}/recover`,
    () => ({ since: "2026-01-01T00:00:00Z" }),
  ),
  r("resource", "GET", (o) => `/v1/integrations/${o.deliveryIntegration}/deliveries`),
  r("account", "GET", () => "/v1/triggers"),
  r("resource", "GET", (o) => `/v1/triggers/${o.trigger}`),
  r("resource", "GET", (o) => `/v1/deliveries/${o.delivery}`),
  r(
    "account",
    "POST",
    () => "/v1/account/operational-webhooks",
    () => ({ name: "On-call", url: "https://ops.example.com/h" }),
  ),
  r("account", "GET", () => "/v1/account/operational-webhooks"),
  r("resource", "GET", (o) => `/v1/account/operational-webhooks/${o.operationalWebhook}`),
  r(
    "resource",
    "PATCH",
    (o) => `/v1/account/operational-webhooks/${o.operationalWebhook}`,
    () => ({ name: "x" }),
  ),
  r("resource", "DELETE", (o) => `/v1/account/operational-webhooks/${o.operationalWebhook}`),
  r(
    "resource",
    "POST",
    (o) => `/v1/account/operational-webhooks/${o.operationalWebhook}/secret/rotate`,
  ),
  r(
    "resource",
    "GET",
    (o) => `/v1/account/operational-webhooks/${o.operationalWebhook}/deliveries`,
  ),
  r("resource", "POST", (o) => `/v1/deliveries/${o.delivery}/redeliver`),
];

/**
 * An account with one of everything the routes name: two profiles (one linked to an integration,
 * one not), each with an event and an attendee, a manual webhook, a delivery, and a revoked
 * admin key and an expired integration key.
 */
export async function createOwner() {
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
  const revokedKey = spare.body.data.key;
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
  const expiredRotatedKey = rotating.key;

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
  const operational = await createOperationalWebhook(account.key);
  // Its attempt recorded before any test snapshots the account: the engine writes it on its own.
  await waitFor(async () => {
    const delivery = await api("GET", `/v1/deliveries/${fired.body.data.id}`, { key: account.key });
    return delivery.body.data.status === "pending" ? undefined : true;
  }, 15_000);
  const triggers = await api(
    "GET",
    `/v1/triggers?subject_uid=${world.event.uid}&type=event.manual`,
    {
      key: account.key,
    },
  );
  const [trigger] = triggers.body.data;
  expect(trigger?.type).toBe("event.manual");

  const owner: Owner = {
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
    operationalWebhook: operational.id,
    trigger: (trigger as { id: string }).id,
  };

  return { owner, revokedKey, expiredRotatedKey, account, linkedProfile, unlinkedProfile };
}
