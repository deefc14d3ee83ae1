import { pageOf } from "../db/page";
import { accountOf } from "../db/queries/accounts";
import {
  attemptsOf,
  type DeliveryFilters,
  type DeliveryRow,
  deliveryOf,
  deliveryPageQueries,
  failedDeliveriesSince,
  requeueDeliveries,
} from "../db/queries/deliveries";
import { type WebhookRow, webhookOf } from "../db/queries/webhooks";
import { deliveries } from "../db/schema";
import { queueDeliveries } from "../delivery/outbox";
import { isSuccess, notSent, sendSigned } from "../delivery/request";
import type { Deps } from "../deps";
import { isUnrendered } from "../domain/delivery";
import { type Pagination, pageWindow } from "../domain/pagination";
import { renderingFailure, templateScope, tryRenderContent } from "../domain/webhook-content";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { getIntegration } from "./integrations";
import { webhookWith } from "./webhooks";

type Owner = { accountId: string; integrationId: string };

export async function listIntegrationDeliveries(
  deps: Deps,
  filters: DeliveryFilters,
  pagination: Pagination,
) {
  // The integration (DB) and the page (the delivery log) side by side: one round trip.
  const { deliveriesDb } = deps;
  const [, page] = await Promise.all([
    getIntegration(deps, filters.accountId, filters.integrationId),
    deliveriesDb.batch(deliveryPageQueries(deliveriesDb, filters, pageWindow(pagination))),
  ]);
  return pageOf(deliveries, page);
}

/**
 * The account's delivery with its attempts, read on the delivery log beside the key's check (one
 * round trip); the log is read on its primary, so a miss is a miss.
 */
function deliveryWithAttempts(deps: Deps, accountId: string, id: string) {
  const { deliveriesDb: db } = deps;
  return Promise.all([
    db.batch([deliveryOf(db, accountId, id), attemptsOf(db, id)]),
    deps.checked(),
  ]).then(([[rows, attempts]]) => rows[0] && { delivery: rows[0], attempts });
}

/** The account's delivery with every attempt (one round trip), or 404. */
export async function getDelivery(deps: Deps, accountId: string, id: string) {
  const found = await deliveryWithAttempts(deps, accountId, id);
  if (!found) throw notFound("Delivery");
  return found;
}

/** A delivery can be sent again only to a webhook that still exists and is enabled. */
function requireEnabled(webhook: WebhookRow | undefined) {
  if (!webhook) throw new ApiError("CONFLICT", "The delivery's webhook was deleted.");
  if (!webhook.enabled) {
    throw new ApiError(
      "CONFLICT",
      `The webhook is disabled (${webhook.disabledReason}); enable it before redelivering.`,
    );
  }
}

/**
 * Puts a finished delivery back to pending, due now, and queues it. It keeps its id (the receiver
 * deduplicates on it) and its attempts; the new attempt is numbered after them.
 */
export async function redeliver(deps: Deps, accountId: string, id: string) {
  const found = await deliveryWithAttempts(deps, accountId, id);
  if (!found) throw notFound("Delivery");
  const { delivery } = found;
  if (delivery.status === "pending") {
    throw new ApiError("CONFLICT", "The delivery is still pending; it will be attempted.");
  }
  if (isUnrendered(delivery)) {
    throw new ApiError(
      "CONFLICT",
      "The webhook's payload template failed when this delivery was made, so it has nothing to send (its attempt says why). A fixed template applies to later changes.",
    );
  }
  // The webhook lives beside the integrations (DB), the delivery in the log: a second read.
  const owner = { accountId, id: delivery.webhookId };
  const webhook =
    (await webhookOf(deps.db, owner))[0] ??
    (await deps.onPrimary(() => webhookOf(deps.db, owner)))[0];
  requireEnabled(webhook);
  const at = iso(deps.now());
  await requeueDeliveries(deps.deliveriesDb, [id], at);
  queueDeliveries(deps, [id]);
  return {
    ...delivery,
    status: "pending",
    nextAttemptAt: at,
    lockedUntil: null,
    updatedAt: at,
  } satisfies DeliveryRow;
}

/** Redelivers every failed delivery of a webhook created since `since`. */
export async function recover(deps: Deps, owner: Owner, webhookId: string, since: string) {
  // The webhook (DB) and its failed deliveries (the delivery log) side by side: one round trip.
  const [{ webhook }, failed] = await Promise.all([
    webhookWith(deps, owner, webhookId),
    failedDeliveriesSince(deps.deliveriesDb, webhookId, since),
  ]);
  requireEnabled(webhook);
  const ids = failed.map((row) => row.id);
  if (ids.length > 0) {
    await requeueDeliveries(deps.deliveriesDb, ids, iso(deps.now()));
    queueDeliveries(deps, ids);
  }
  return ids;
}

const SAMPLE_EVENT_UID = "evt_sample0000000000000";
const SAMPLE_GUEST_UID = "gst_sample0000000000000";

/** A payload of the webhook's trigger's shape, with sample values. */
export function samplePayload(trigger: string): Record<string, unknown> {
  const times = { created_at: "2026-05-01T09:00:00.000Z", updated_at: "2026-05-01T09:00:00.000Z" };
  if (trigger.startsWith("event.")) {
    return {
      uid: SAMPLE_EVENT_UID,
      profile_uid: "prf_sample0000000000000",
      name: "Sample event",
      status: "Registering",
      start_date: "2026-06-12T07:00:00.000Z",
      end_date: "2026-06-13T16:00:00.000Z",
      timezone: "UTC",
      currency: "EUR",
      languages: ["en"],
      location: null,
      capacity: null,
      guest_count: 1,
      fields: [{ name: "email", label: "E-mail", type: "email", required: true, locked: false }],
      ...times,
    };
  }
  return {
    uid: SAMPLE_GUEST_UID,
    event_uid: SAMPLE_EVENT_UID,
    profile_uid: "prf_sample0000000000000",
    event_name: "Sample event",
    language: "en",
    registration_status: "Complete",
    payment_status: "Unpaid",
    email: "jane@example.com",
    firstname: "Jane",
    lastname: "Doe",
    ...times,
  };
}

/**
 * Sends one signed sample request to the webhook now, rendered through its payload template and
 * URL like a delivery and sent through the same send as every delivery, and returns what
 * happened. Nothing is stored: no delivery, no attempt, no change to the webhook's health. Works
 * on a disabled webhook. A template that fails on the sample is an answer with the reason.
 */
export async function testWebhook(deps: Deps, owner: Owner, webhookId: string) {
  const {
    webhook,
    rest: [accounts],
  } = await webhookWith(deps, owner, webhookId, (db) => [accountOf(db, owner.accountId)]);
  const messageId = newId("dlv");
  const scope = templateScope(webhook.trigger, samplePayload(webhook.trigger), [], {
    account: { id: owner.accountId, name: accounts[0]?.name ?? "" },
    event: samplePayload("event.manual"),
  });
  const content = tryRenderContent(webhook, scope);
  if ("failed" in content) {
    const sent = notSent(deps.now(), renderingFailure(content.failed));
    return { webhookId: webhook.id, messageId, success: false, ...sent };
  }
  const sent = await sendSigned(deps, webhook, {
    deliveryId: messageId,
    trigger: webhook.trigger,
    eventUid: SAMPLE_EVENT_UID,
    entityUid: webhook.trigger.startsWith("event.") ? SAMPLE_EVENT_UID : SAMPLE_GUEST_UID,
    cause: null,
    ...content.rendered,
    attempt: 1,
  });
  return { webhookId: webhook.id, messageId, success: isSuccess(sent.statusCode), ...sent };
}
