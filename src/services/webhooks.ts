import type { BatchResults, Statement } from "../db/batch";
import { pageOf } from "../db/page";
import { eventIdsAmong } from "../db/queries/events";
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
import type { WebhookInput } from "../domain/webhook";
import { ApiError, notFound } from "../errors";
import { toBase64 } from "../lib/encoding";
import { newId } from "../lib/ids";
import { encryptSecret } from "../lib/secret-box";
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
 * The account integration's webhook with, in the same round trip, what `also` reads; 404 for
 * either.
 */
export async function webhookWith<const T extends readonly Statement[]>(
  deps: Deps,
  owner: Owner,
  id: string,
  also: (db: Deps["db"]) => T = () => [] as unknown as T,
) {
  const {
    rest: [rows, ...rest],
  } = await integrationWith(deps, owner.accountId, owner.integrationId, (db) => [
    webhookOf(db, { ...owner, id }),
    ...also(db),
  ]);
  const webhook = rows[0] ?? (await deps.onPrimary(() => webhookOf(deps.db, { ...owner, id })))[0];
  if (!webhook) throw notFound("Webhook");
  return { webhook, rest: rest as unknown as BatchResults<T> };
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
  const {
    rest: [events],
  } = await integrationWith(deps, owner.accountId, owner.integrationId, (db) => [
    eventIdsAmong(db, owner.accountId, input.event_uids),
  ]);
  const eventUids = checkEvents(input.event_uids, events);
  const secret = newSigningSecret();
  const now = iso(deps.now());
  const row: WebhookRow = {
    id: newId("whk"),
    accountId: owner.accountId,
    integrationId: owner.integrationId,
    name: input.name,
    trigger: input.trigger,
    url: input.url,
    method: input.method,
    headersEncrypted: await encryptSecret(deps.secretsKey, JSON.stringify(input.headers)),
    headerNames: Object.keys(input.headers),
    eventUids,
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
    createdAt: now,
    updatedAt: now,
  };
  await insertWebhook(deps.db, row);
  return { row, secret };
}

/** Updates what is given; `headers` replaces the whole set; `enabled: true` clears the reason. */
export async function updateWebhookFields(
  deps: Deps,
  owner: Owner,
  id: string,
  input: Partial<WebhookInput>,
): Promise<WebhookRow> {
  if (input.url !== undefined) checkUrl(deps, input.url);
  const {
    webhook: current,
    rest: [events],
  } = await webhookWith(deps, owner, id, (db) => [
    eventIdsAmong(db, owner.accountId, input.event_uids ?? []),
  ]);
  const set: Partial<WebhookRow> = { updatedAt: iso(deps.now()) };
  if (input.name !== undefined) set.name = input.name;
  if (input.trigger !== undefined) set.trigger = input.trigger;
  if (input.method !== undefined) set.method = input.method;
  if (input.url !== undefined) set.url = input.url;
  if (input.event_uids !== undefined) set.eventUids = checkEvents(input.event_uids, events);
  if (input.max_per_second !== undefined) set.maxPerSecond = input.max_per_second;
  if (input.ordering !== undefined) set.ordering = input.ordering;
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
  await updateWebhook(deps.db, id, set);
  return { ...current, ...set };
}

export async function removeWebhook(deps: Deps, owner: Owner, id: string) {
  await getWebhook(deps, owner, id);
  await deleteWebhook(deps.db, id);
}

/** A new signing secret; the previous one keeps signing, as a second signature, for 24 h. */
export async function rotateWebhookSecret(deps: Deps, owner: Owner, id: string): Promise<string> {
  await getWebhook(deps, owner, id);
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

function checkUrl(deps: Deps, url: string) {
  const verdict = checkTargetUrl(url, deps.targets);
  if (!verdict.ok) {
    throw new ApiError("VALIDATION_FAILED", "This URL is not an allowed webhook target.", {
      details: [{ path: "url", message: verdict.reason }],
    });
  }
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
