import type { BatchResults, Statement } from "../db/batch";
import { pageOf } from "../db/page";
import { attendeeFieldNamesOf, eventIdsAmong } from "../db/queries/events";
import {
  deleteWebhook,
  insertWebhook,
  rotateSecret,
  updateWebhook,
  type WebhookRow,
  webhookOf,
  webhookPageQueries,
} from "../db/queries/webhooks";
import { webhooks } from "../db/schema";
import { checkTargetUrl } from "../delivery/target-policy";
import type { Deps } from "../deps";
import { type Pagination, pageWindow } from "../domain/pagination";
import { maskedUrl, type WebhookInput } from "../domain/webhook";
import {
  type ContentInput,
  hasPlaceholders,
  knownFieldsFor,
  webhookContentProblems,
} from "../domain/webhook-content";
import { ApiError, notFound } from "../errors";
import { toBase64 } from "../lib/encoding";
import { newId } from "../lib/ids";
import { decryptSecret, encryptSecret } from "../lib/secret-box";
import { addSeconds, iso, toStoredTime } from "../lib/time";
import { integrationWith } from "./integrations";

/** How long a rotated-out signing secret keeps signing (as a second signature). */
export const PREVIOUS_SECRET_SECONDS = 24 * 60 * 60;

type Owner = { accountId: string; integrationId: string };

/** `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** Enough of the secret to recognise it: `whsec_` and four characters. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 10);
}

/**
 * The account integration's webhook (and the integration) with, in the same round trip, what
 * `also` reads; 404 for either.
 */
export async function webhookWith<const T extends readonly Statement[]>(
  deps: Deps,
  owner: Owner,
  id: string,
  also: (db: Deps["db"]) => T = () => [] as unknown as T,
) {
  const {
    integration,
    rest: [rows, ...rest],
  } = await integrationWith(deps, owner.accountId, owner.integrationId, (db) => [
    webhookOf(db, { ...owner, id }),
    ...also(db),
  ]);
  const webhook = rows[0] ?? (await deps.onPrimary(() => webhookOf(deps.db, { ...owner, id })))[0];
  if (!webhook) throw notFound("Webhook");
  return { webhook, integration, rest: rest as unknown as BatchResults<T> };
}

export async function getWebhook(deps: Deps, owner: Owner, id: string): Promise<WebhookRow> {
  return (await webhookWith(deps, owner, id)).webhook;
}

export async function listIntegrationWebhooks(deps: Deps, owner: Owner, query: Pagination) {
  const where = {
    ...owner,
    updatedSince: query.updated_since && toStoredTime(query.updated_since),
  };
  const { rest } = await integrationWith(deps, owner.accountId, owner.integrationId, (db) =>
    webhookPageQueries(db, where, pageWindow(query)),
  );
  const { rows, total } = pageOf(webhooks, rest);
  return { items: rows, total };
}

/** Creates the webhook; the signing secret is returned once, beside the row. */
export async function createWebhook(
  deps: Deps,
  owner: Owner,
  input: WebhookInput,
): Promise<{ row: WebhookRow; secret: string }> {
  checkUrl(deps, input.url);
  if (input.client_certificate) checkClientCertificate(deps, input.client_certificate);
  const { integration, rest } = await integrationWith(
    deps,
    owner.accountId,
    owner.integrationId,
    (db) => [
      eventIdsAmong(db, owner.accountId, input.event_uids),
      ...namesFor(db, owner.accountId, usesFields(input)),
    ],
  );
  const [events, names] = rest;
  checkContent(input, knownFields(input.trigger, integration, names));
  const eventUids = checkEvents(input.event_uids, events);
  const webhook = await newWebhookRow(deps, owner, { ...input, event_uids: eventUids });
  await insertWebhook(deps.db, webhook.row);
  return webhook;
}

/**
 * A new webhook's row, its header values, signing secret and (secret) URL encrypted, and the
 * signing secret, shown once. The input is checked already.
 */
export async function newWebhookRow(
  deps: Deps,
  owner: { accountId: string; integrationId: string | null },
  input: Omit<WebhookInput, "trigger"> & { trigger: string },
): Promise<{ row: WebhookRow; secret: string }> {
  const secret = newSigningSecret();
  const now = iso(deps.now());
  const row: WebhookRow = {
    id: newId("whk"),
    accountId: owner.accountId,
    integrationId: owner.integrationId,
    name: input.name,
    trigger: input.trigger,
    ...(await storedUrl(deps, input.url, input.secret_url)),
    method: input.method,
    payloadTemplate: input.payload_template,
    bodyEncoding: input.body_encoding,
    headersEncrypted: await encryptSecret(deps.secretsKey, JSON.stringify(input.headers)),
    headerNames: Object.keys(input.headers),
    eventUids: input.event_uids,
    enabled: input.enabled,
    disabledReason: null,
    secretEncrypted: await encryptSecret(deps.secretsKey, secret),
    secretPrefix: secretPrefix(secret),
    previousSecretEncrypted: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    maxPerSecond: input.max_per_second,
    ordering: input.ordering,
    state: "active",
    pausedUntil: null,
    stateReason: null,
    clientCertificate: input.client_certificate,
    createdAt: now,
    updatedAt: now,
  };
  return { row, secret };
}

/**
 * Updates what is given; `headers` replaces the whole set; `enabled: true` clears the reason.
 * A change to what the webhook sends (trigger, method, URL, template, encoding) is checked whole.
 */
export async function updateWebhookFields(
  deps: Deps,
  owner: Owner,
  id: string,
  input: Partial<WebhookInput>,
): Promise<WebhookRow> {
  if (input.url !== undefined) checkUrl(deps, input.url);
  if (input.client_certificate) checkClientCertificate(deps, input.client_certificate);
  const contentChanged = CONTENT_KEYS.some((key) => input[key] !== undefined);
  const {
    webhook: current,
    integration,
    rest: [events, names],
  } = await webhookWith(deps, owner, id, (db) => [
    eventIdsAmong(db, owner.accountId, input.event_uids ?? []),
    ...namesFor(db, owner.accountId, contentChanged),
  ]);
  const set = await endpointChanges(deps, input);
  if (input.trigger !== undefined) set.trigger = input.trigger;
  if (input.method !== undefined) set.method = input.method;
  if (input.payload_template !== undefined) set.payloadTemplate = input.payload_template;
  if (input.body_encoding !== undefined) set.bodyEncoding = input.body_encoding;
  if (input.event_uids !== undefined) set.eventUids = checkEvents(input.event_uids, events);
  if (input.max_per_second !== undefined) set.maxPerSecond = input.max_per_second;
  if (input.ordering !== undefined) set.ordering = input.ordering;
  if (input.client_certificate !== undefined) set.clientCertificate = input.client_certificate;
  if (contentChanged) {
    const secretUrl = input.secret_url ?? current.urlEncrypted !== null;
    const url = input.url ?? (await openUrl(deps, current));
    const merged = { ...current, ...set };
    checkContent(
      {
        method: merged.method,
        url,
        payload_template: merged.payloadTemplate,
        body_encoding: merged.bodyEncoding,
        secret_url: secretUrl,
      },
      knownFields(merged.trigger, integration, names),
    );
    if (input.url !== undefined || input.secret_url !== undefined) {
      Object.assign(set, await storedUrl(deps, url, secretUrl));
    }
  }
  await updateWebhook(deps.db, id, set);
  return { ...current, ...set };
}

/**
 * The changes of what every endpoint has (a webhook, an operational endpoint): its name, its
 * headers (the whole set, encrypted), and `enabled` (`true` clears why and since when it failed).
 */
export async function endpointChanges(
  deps: Deps,
  input: { name?: string; headers?: Record<string, string>; enabled?: boolean },
): Promise<Partial<WebhookRow>> {
  const set: Partial<WebhookRow> = { updatedAt: iso(deps.now()) };
  if (input.name !== undefined) set.name = input.name;
  if (input.headers !== undefined) {
    set.headersEncrypted = await encryptSecret(deps.secretsKey, JSON.stringify(input.headers));
    set.headerNames = Object.keys(input.headers);
  }
  if (input.enabled !== undefined) {
    set.enabled = input.enabled;
    if (input.enabled) {
      set.disabledReason = null;
      set.failingSince = null;
    }
  }
  return set;
}

export async function removeWebhook(deps: Deps, owner: Owner, id: string) {
  await getWebhook(deps, owner, id);
  await deleteWebhook(deps.db, id);
}

export async function rotateWebhookSecret(deps: Deps, owner: Owner, id: string): Promise<string> {
  await getWebhook(deps, owner, id);
  return newSecretFor(deps, id);
}

/**
 * A new signing secret for a webhook whose owner was checked (an integration's or an operational
 * endpoint); the previous one keeps signing, as a second signature, for 24 h.
 */
export async function newSecretFor(deps: Deps, id: string): Promise<string> {
  const secret = newSigningSecret();
  const now = iso(deps.now());
  await rotateSecret(deps.db, id, {
    secretEncrypted: await encryptSecret(deps.secretsKey, secret),
    secretPrefix: secretPrefix(secret),
    previousExpiresAt: addSeconds(now, PREVIOUS_SECRET_SECONDS),
    at: now,
  });
  return secret;
}

/** VALIDATION_FAILED naming `url` unless the URL passes the target policy. */
export function checkUrl(deps: Deps, url: string) {
  const verdict = checkTargetUrl(url, deps.targets);
  if (!verdict.ok) {
    throw new ApiError("VALIDATION_FAILED", "This URL is not an allowed webhook target.", {
      details: [{ path: "url", message: verdict.reason }],
    });
  }
}

/** A client certificate must be one the deployment has (wrangler.toml's `mtls_certificates`). */
function checkClientCertificate(deps: Deps, name: string) {
  if (deps.clientCertificates(name)) return;
  throw new ApiError("UNPROCESSABLE", "This deployment has no such client certificate.", {
    details: [
      {
        path: "client_certificate",
        message: `No client certificate binding named ${name} (an mtls_certificates binding whose name starts with MTLS_).`,
      },
    ],
  });
}

/** The event uids, deduplicated, each an event of the account (else VALIDATION_FAILED). */
function checkEvents(uids: readonly string[], known: readonly { id: string }[]) {
  const found = new Set(known.map((row) => row.id));
  const details = uids.flatMap((uid, i) =>
    found.has(uid) ? [] : [{ path: `event_uids.${i}`, message: `Event ${uid} not found.` }],
  );
  if (details.length > 0) throw new ApiError("VALIDATION_FAILED", "Unknown event.", { details });
  return [...new Set(uids)];
}

/** The properties that decide what a webhook sends: a change to any is checked whole. */
const CONTENT_KEYS = [
  "trigger",
  "method",
  "url",
  "payload_template",
  "body_encoding",
  "secret_url",
] as const;

/** The read of the account's attendee field names, when a check will need them. */
const namesFor = (db: Deps["db"], accountId: string, needed: boolean) =>
  needed ? [attendeeFieldNamesOf(db, accountId)] : [];

/** Whether a new webhook's template or URL may name attendee fields. */
const usesFields = (input: WebhookInput) =>
  input.trigger.startsWith("guest.") &&
  (input.payload_template !== null || hasPlaceholders(input.url));

/** The names a template of this trigger may use at this integration (domain/webhook-content.ts). */
export function knownFields(
  trigger: string,
  integration: {
    fieldMapping: readonly { name: string }[];
    fixedConfiguration: { fields: readonly { name: string }[] };
  },
  accountNames: readonly { names: string[] }[] = [],
) {
  return knownFieldsFor(trigger, [
    ...(accountNames[0]?.names ?? []),
    ...integration.fieldMapping.map((entry) => entry.name),
    ...integration.fixedConfiguration.fields.map((field) => field.name),
  ]);
}

/** 422 naming each problem of what the webhook would send. */
export function checkContent(input: ContentInput, isKnownField: (root: string) => boolean) {
  const details = webhookContentProblems(input, isKnownField);
  if (details.length > 0) {
    throw new ApiError("UNPROCESSABLE", "The webhook's payload template or URL cannot be used.", {
      details,
    });
  }
}

/** The URL columns: a secret URL encrypted, with only its scheme and host readable. */
async function storedUrl(deps: Deps, url: string, secret: boolean) {
  return secret
    ? { url: maskedUrl(url), urlEncrypted: await encryptSecret(deps.secretsKey, url) }
    : { url, urlEncrypted: null };
}

/** The webhook's URL in clear. */
async function openUrl(deps: Deps, webhook: WebhookRow): Promise<string> {
  return webhook.urlEncrypted ? decryptSecret(deps.secretsKey, webhook.urlEncrypted) : webhook.url;
}
