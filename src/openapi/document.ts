import type { OpenAPIHono } from "@hono/zod-openapi";
import { IdempotencyKey } from "../routes/common.schemas";
import { bookmarkParameter, registerComponents } from "./components";
import { registerWebhooks } from "./webhooks";

// The top of the OpenAPI document (GET /openapi.json): what Weft is, its conventions, and the
// tags in the order a newcomer meets them.

const DESCRIPTION = `Weft keeps an organiser's **events** and their **registrations (attendees)**, and hands them to the other systems the organiser uses (CRM, badge printing, accounting) through **integrations**: an integration key that reads, and signed webhooks that push, in real time.

**Getting started.** The operator's bootstrap token creates an account and its first admin key (\`POST /v1/accounts\`). With the admin key: a profile, an event in it, attendees of the event; then an integration linked to the profile, a key for the other system, a webhook, and the activation that makes the webhook fire. The tags below follow that order.

**Conventions.** JSON in and out. Every success body is \`{ "data": ... }\`; lists add \`meta\` (\`page\`, \`page_size\`, \`total\`, \`last_page\`) and are ordered by creation time, oldest first. Every error is \`{ "error": { code, message, request_id, details } }\`, and every answer carries \`x-request-id\` and, under \`/v1\`, \`cache-control: no-store\`. Times are RFC 3339 UTC strings with milliseconds (\`2026-05-01T09:00:00.000Z\`). Identifiers carry their type: \`acc_\`, \`prf_\`, \`evt_\`, \`gst_\`, \`int_\`, \`key_\`, \`whk_\`, \`dlv_\`.

**Idempotency.** Creating \`POST\`s (and payments) accept \`idempotency-key\` (1..255 chars). The same key with the same body within 24 hours returns the first response (with \`idempotent-replayed: true\`); with another body, or while the first request is still running, \`409 CONFLICT\`. Keys are scoped to the calling account.

**Rate limits.** Each key may make 1,000 requests per 10 seconds; past that, \`429 RATE_LIMITED\` with \`retry-after\` (seconds).

**This document.** Served by the Worker itself; \`servers\` is relative, so the interactive reference at \`/docs\` (Swagger UI, served from the same origin) calls the server it came from. A typed TypeScript client generated from it lives in the repository under \`clients/typescript/\`.`;

const RECEIVING = `What Weft sends to your receivers: one entry per trigger below, with its body and headers.

Each request is signed the [Standard Webhooks](https://www.standardwebhooks.com/) way. To verify one, take the raw body bytes as received (before any JSON parsing), build \`{webhook-id}.{webhook-timestamp}.{body}\`, compute its HMAC-SHA256 with the base64-decoded part of your secret after \`whsec_\`, and compare its base64 (in constant time) with each space-separated \`v1,...\` entry of \`webhook-signature\`; refuse a \`webhook-timestamp\` more than a few minutes from now. Any Standard Webhooks library does all of this, e.g. in Node with the \`standardwebhooks\` package: \`new Webhook(secret).verify(body, headers)\`.

Delivery is at least once: deduplicate on \`webhook-id\` (the same on every retry and redelivery). Order is not guaranteed; compare \`updated_at\` if it matters. A webhook whose attempts have all failed for 5 days is disabled (\`disabled_reason: "failing"\`); \`410\` disables it at once.`;

const TAGS = [
  {
    name: "Accounts",
    description:
      "Start here. The operator's bootstrap token creates an account with its first admin key; admin keys (`wft_admin_`) do everything in their account. Keys are shown once and stored hashed.",
  },
  {
    name: "Profiles",
    description:
      "A profile groups events: a brand, a department. Integrations are linked to profiles (who may read) and activated on them (whose webhooks fire).",
  },
  {
    name: "Events",
    description:
      "An event of a profile, with its registration form (`fields`): the fields every attendee is checked against. Changes fire `event.*` webhooks.",
  },
  {
    name: "Attendees",
    description:
      "Registrations of an event, flat: the system fields, then every form field at the top level. Changes fire `guest.*` webhooks; payments update the payment fields.",
  },
  {
    name: "Integrations",
    description:
      "An integration hands a profile's events and attendees to another system. It is linked to profiles (`profile_uids`), carries a field mapping and a fixed configuration (fields it requires on every event's form), and works through its keys (read) and its webhooks (push).",
  },
  {
    name: "Integration templates",
    description:
      "Native integrations, one call away: a catalogue of services organisers use (Slack, Microsoft Teams, HubSpot, Mailchimp, Salesforce Web-to-Lead, Airtable, Zapier), each with the parameters it needs and what it creates. `POST /v1/integrations` with `template` and `params` creates that integration, webhooks included; it is then edited like any other.",
  },
  {
    name: "Integration keys",
    description:
      "`wft_live_` keys for the other system, working on the integration's linked profiles while `api_access` is on (off for new integrations). Their `scopes` say what they do: `events:read` and `attendees:read` (the default, read-only), `attendees:write` (create, update and pay attendees). They may be made to expire (`expires_at`). Rotate with a grace period; revoke at once.",
  },
  {
    name: "Field mapping",
    description:
      "How attendees look to the outside: a list of `{ name, mapped_to }` (rename a native field or dotted path) and `{ name, value }` (a fixed value) entries. The effective mapping merges account -> integration -> profile -> event override, a later entry replacing an earlier one of the same `name`. When it is not empty, integration-key reads and webhook bodies hold only its keys.",
  },
  {
    name: "Webhooks",
    description:
      "Push: each webhook sends one trigger of its integration to a URL, signed with its own secret, retried for about three days, logged as deliveries. What the receiver gets is under Receiving webhooks.",
  },
  {
    name: "Activation",
    description:
      "Webhooks fire only for the integration active on the event's profile: at most one per profile at any instant, also under concurrent requests. Activation also adds the integration's fixed fields, locked, to the profile's events.",
  },
  {
    name: "Event overrides",
    description:
      "One event may differ from its profile: another integration, its own field mapping (merged or replacing), and whether payments fire `guest.update`.",
  },
  {
    name: "Deliveries",
    description:
      "Every webhook request Weft makes is a delivery with its attempts, kept 30 days: inspect them, redeliver one, or recover every failed one since a time.",
  },
  {
    name: "Manual actions",
    description:
      "Webhooks on `event.manual` and `guest.manual` fire only when asked: list the actions that apply to an event or attendee, and run one.",
  },
  { name: "Receiving webhooks", description: RECEIVING },
];

const CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Weft API",
    version: "1.0.0",
    summary: "Events, attendees and the integrations that hand them on: keys and signed webhooks.",
    description: DESCRIPTION,
    contact: { name: "Weft maintainers (security reports: see SECURITY.md in the repository)" },
    license: {
      name: "No licence granted: all rights reserved",
      url: "https://choosealicense.com/no-permission/",
    },
  },
  servers: [
    {
      url: "/",
      description: "The server this document came from (`npm start` locally, or your deployment).",
    },
  ],
  security: [{ bearerAuth: [] }],
  tags: TAGS,
};

/** Adds what the routes do not say themselves: shared components and the webhooks Weft sends. */
export function describeApi(app: Pick<OpenAPIHono, "openAPIRegistry">) {
  registerComponents(app.openAPIRegistry);
  app.openAPIRegistry.registerParameter("IdempotencyKey", IdempotencyKey);
  registerWebhooks(app.openAPIRegistry);
}

/** The OpenAPI 3.1 document of an app that `describeApi` has been called on. */
export function openApiDocument(app: Pick<OpenAPIHono, "getOpenAPI31Document">) {
  const document = app.getOpenAPI31Document(CONFIG);
  // Every /v1 operation accepts `x-d1-bookmark` (the request-context middleware reads it).
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of ["get", "put", "post", "delete", "patch"] as const) {
      const operation = item[method];
      if (operation) operation.parameters = [...(operation.parameters ?? []), bookmarkParameter];
    }
  }
  return document;
}
