import { pageOf } from "../db/page";
import { type DeliveryRow, deliveryPageQueries } from "../db/queries/deliveries";
import { operationalWebhookOf, operationalWebhookPageQueries } from "../db/queries/notifications";
import {
  deleteWebhook,
  insertWebhook,
  updateWebhook,
  type WebhookRow,
} from "../db/queries/webhooks";
import { deliveries, webhooks } from "../db/schema";
import type { Deps } from "../deps";
import { NO_INTEGRATION } from "../domain/delivery";
import { type Pagination, pageWindow } from "../domain/pagination";
import { notFound } from "../errors";
import { OPERATIONAL_TRIGGER } from "../lib/types";
import { checkUrl, endpointChanges, newSecretFor, newWebhookRow } from "./webhooks";

/**
 * An account's operational endpoints (domain/operational.ts): webhooks of no integration that
 * receive the account's operational notifications, with their own signing secret.
 */

/** What an operational endpoint is made of (the rest is fixed: POST, JSON, every notification). */
export type OperationalWebhookInput = {
  name: string;
  url: string;
  /** Names lower-case. */
  headers: Record<string, string>;
  enabled: boolean;
};

/** Creates the endpoint; its signing secret is returned once, beside the row. */
export async function createOperationalWebhook(
  deps: Deps,
  accountId: string,
  input: OperationalWebhookInput,
): Promise<{ row: WebhookRow; secret: string }> {
  checkUrl(deps, input.url);
  const webhook = await newWebhookRow(
    deps,
    { accountId, integrationId: null },
    {
      ...input,
      trigger: OPERATIONAL_TRIGGER,
      method: "POST",
      event_uids: [],
      max_per_second: null,
      ordering: "none",
      payload_template: null,
      body_encoding: "json",
      secret_url: false,
      client_certificate: null,
    },
  );
  await insertWebhook(deps.db, webhook.row);
  return webhook;
}

export async function listOperationalWebhooks(deps: Deps, accountId: string, query: Pagination) {
  const { db } = deps;
  const page = await db.batch(operationalWebhookPageQueries(db, accountId, pageWindow(query)));
  return pageOf(webhooks, page);
}

/** The account's operational endpoint, or 404 (a miss confirmed on the primary). */
export async function getOperationalWebhook(
  deps: Deps,
  accountId: string,
  id: string,
): Promise<WebhookRow> {
  const read = () => operationalWebhookOf(deps.db, accountId, id);
  const row = (await read())[0] ?? (await deps.onPrimary(read))[0];
  if (!row) throw notFound("Operational webhook");
  return row;
}

/** Updates what is given; `headers` replaces the whole set; `enabled: true` clears the reason. */
export async function updateOperationalWebhook(
  deps: Deps,
  accountId: string,
  id: string,
  input: Partial<OperationalWebhookInput>,
): Promise<WebhookRow> {
  if (input.url !== undefined) checkUrl(deps, input.url);
  const current = await getOperationalWebhook(deps, accountId, id);
  const set = await endpointChanges(deps, input);
  if (input.url !== undefined) set.url = input.url;
  await updateWebhook(deps.db, id, set);
  return { ...current, ...set };
}

export async function removeOperationalWebhook(deps: Deps, accountId: string, id: string) {
  await getOperationalWebhook(deps, accountId, id);
  await deleteWebhook(deps.db, id);
}

export async function rotateOperationalSecret(deps: Deps, accountId: string, id: string) {
  await getOperationalWebhook(deps, accountId, id);
  return newSecretFor(deps, id);
}

/**
 * One page of an endpoint's deliveries (the delivery log), read beside the endpoint's check:
 * one round trip. Operational deliveries carry no integration (NO_INTEGRATION).
 */
export async function listOperationalDeliveries(
  deps: Deps,
  accountId: string,
  id: string,
  filters: { status?: DeliveryRow["status"]; since?: string },
  pagination: Pagination,
) {
  const { deliveriesDb } = deps;
  const where = { ...filters, accountId, integrationId: NO_INTEGRATION, webhookId: id };
  const [, page] = await Promise.all([
    getOperationalWebhook(deps, accountId, id),
    deliveriesDb.batch(deliveryPageQueries(deliveriesDb, where, pageWindow(pagination))),
  ]);
  return pageOf(deliveries, page);
}
