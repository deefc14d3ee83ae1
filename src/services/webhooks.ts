import type { Database } from "../db/client";
import { existingEventIds } from "../db/queries/overrides";
import {
  countWebhooks,
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listWebhooks,
  rotateSecret,
  updateWebhook,
  type WebhookRow,
} from "../db/queries/webhooks";
import { checkTargetUrl, targetPolicyFrom } from "../delivery/target-policy";
import { ApiError, notFound } from "../errors";
import { toBase64 } from "../lib/encoding";
import { newId } from "../lib/ids";
import { encryptSecret } from "../lib/secret-box";
import { addSeconds, nowIso } from "../lib/time";
import type { Trigger, WebhookMethod } from "../lib/types";
import { requireIntegration } from "./integrations";

/** How long a rotated-out signing secret keeps signing (as a second signature). */
export const PREVIOUS_SECRET_SECONDS = 24 * 60 * 60;

export type WebhookInput = {
  name: string;
  trigger: Trigger;
  url: string;
  method: WebhookMethod;
  headers: Record<string, string>;
  event_uids: string[];
  enabled: boolean;
};

type SecretsEnv = Pick<Env, "SECRETS_KEY" | "ALLOW_HTTP_TARGETS" | "ALLOW_PRIVATE_TARGETS">;
type Owner = { accountId: string; integrationId: string };

/** `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** Enough of the secret to recognise it: `whsec_` and four characters. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 10);
}

export async function getWebhook(db: Database, owner: Owner, id: string): Promise<WebhookRow> {
  await requireIntegration(db, owner.accountId, owner.integrationId);
  const row = await findWebhook(db, { ...owner, id });
  if (!row) throw notFound("Webhook");
  return row;
}

export async function listIntegrationWebhooks(
  db: Database,
  owner: Owner,
  query: { page: number; page_size: number; updated_since?: string },
) {
  await requireIntegration(db, owner.accountId, owner.integrationId);
  const where = {
    ...owner,
    updatedSince: query.updated_since ? new Date(query.updated_since).toISOString() : undefined,
  };
  const [items, total] = await Promise.all([
    listWebhooks(db, where, { limit: query.page_size, offset: (query.page - 1) * query.page_size }),
    countWebhooks(db, where),
  ]);
  return { items, total };
}

/** Creates the webhook; the signing secret is returned once, beside the row. */
export async function createWebhook(
  db: Database,
  env: SecretsEnv,
  owner: Owner,
  input: WebhookInput,
): Promise<{ row: WebhookRow; secret: string }> {
  await requireIntegration(db, owner.accountId, owner.integrationId);
  checkUrl(env, input.url);
  const eventUids = await checkEvents(db, owner.accountId, input.event_uids);
  const secret = newSigningSecret();
  const now = nowIso();
  const row: WebhookRow = {
    id: newId("whk"),
    accountId: owner.accountId,
    integrationId: owner.integrationId,
    name: input.name,
    trigger: input.trigger,
    url: input.url,
    method: input.method,
    headersEncrypted: await encryptSecret(env.SECRETS_KEY, JSON.stringify(input.headers)),
    headerNames: Object.keys(input.headers),
    eventUids,
    enabled: input.enabled,
    disabledReason: null,
    secretEncrypted: await encryptSecret(env.SECRETS_KEY, secret),
    secretPrefix: secretPrefix(secret),
    previousSecretEncrypted: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  await insertWebhook(db, row);
  return { row, secret };
}

/** Updates what is given; `headers` replaces the whole set; `enabled: true` clears the reason. */
export async function updateWebhookFields(
  db: Database,
  env: SecretsEnv,
  owner: Owner,
  id: string,
  input: Partial<WebhookInput>,
): Promise<WebhookRow> {
  const current = await getWebhook(db, owner, id);
  const set: Partial<WebhookRow> = { updatedAt: nowIso() };
  if (input.name !== undefined) set.name = input.name;
  if (input.trigger !== undefined) set.trigger = input.trigger;
  if (input.method !== undefined) set.method = input.method;
  if (input.url !== undefined) {
    checkUrl(env, input.url);
    set.url = input.url;
  }
  if (input.event_uids !== undefined) {
    set.eventUids = await checkEvents(db, owner.accountId, input.event_uids);
  }
  if (input.headers !== undefined) {
    set.headersEncrypted = await encryptSecret(env.SECRETS_KEY, JSON.stringify(input.headers));
    set.headerNames = Object.keys(input.headers);
  }
  if (input.enabled !== undefined) {
    set.enabled = input.enabled;
    if (input.enabled) {
      set.disabledReason = null;
      set.failingSince = null;
    }
  }
  await updateWebhook(db, id, set);
  return { ...current, ...set };
}

export async function removeWebhook(db: Database, owner: Owner, id: string) {
  await getWebhook(db, owner, id);
  await deleteWebhook(db, id);
}

/** A new signing secret; the previous one keeps signing, as a second signature, for 24 h. */
export async function rotateWebhookSecret(
  db: Database,
  env: SecretsEnv,
  owner: Owner,
  id: string,
): Promise<string> {
  await getWebhook(db, owner, id);
  const secret = newSigningSecret();
  const now = nowIso();
  await rotateSecret(db, id, {
    secretEncrypted: await encryptSecret(env.SECRETS_KEY, secret),
    secretPrefix: secretPrefix(secret),
    previousExpiresAt: addSeconds(now, PREVIOUS_SECRET_SECONDS),
    at: now,
  });
  return secret;
}

function checkUrl(env: SecretsEnv, url: string) {
  const verdict = checkTargetUrl(url, targetPolicyFrom(env));
  if (!verdict.ok) {
    throw new ApiError("VALIDATION_FAILED", "This URL is not an allowed webhook target.", {
      details: [{ path: "url", message: verdict.reason }],
    });
  }
}

async function checkEvents(db: Database, accountId: string, uids: string[]) {
  const found = await existingEventIds(db, accountId, [...new Set(uids)]);
  const details = uids.flatMap((uid, i) =>
    found.has(uid) ? [] : [{ path: `event_uids.${i}`, message: `Event ${uid} not found.` }],
  );
  if (details.length > 0) throw new ApiError("VALIDATION_FAILED", "Unknown event.", { details });
  return [...new Set(uids)];
}
