import type { Database } from "../db/client";
import {
  attemptsOf,
  type DeliveryFilters,
  type DeliveryRow,
  failedDeliveriesSince,
  findAccountDelivery,
  insertDeliveryOnce,
  listDeliveries,
  requeueDeliveries,
} from "../db/queries/deliveries";
import type { EventRow } from "../db/queries/events";
import { findWebhook, markTriggerProcessed } from "../db/queries/triggers";
import type { DeliveryDeps } from "../delivery/deps";
import { iso } from "../delivery/deps";
import { newDelivery, payloadFor, routeFor } from "../delivery/fanout";
import { deliverMessage, sendMessages } from "../delivery/messages";
import { recordTrigger } from "../delivery/outbox";
import { buildRequest, isSuccess, openWebhook, sendRequest } from "../delivery/request";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import type { Trigger } from "../lib/types";
import { serializeAttendee } from "../routes/attendees/attendees.schemas";
import type { Pagination } from "../routes/common.schemas";
import { serializeEvent } from "../routes/events/events.schemas";
import { getAttendee } from "./attendees";
import { getEvent } from "./events";
import { requireIntegration } from "./integrations";
import { getWebhook } from "./webhooks";

export async function listIntegrationDeliveries(
  db: Database,
  filters: DeliveryFilters,
  pagination: Pagination,
) {
  await requireIntegration(db, filters.accountId, filters.integrationId);
  return listDeliveries(db, filters, {
    limit: pagination.page_size,
    offset: (pagination.page - 1) * pagination.page_size,
  });
}

export async function getDelivery(db: Database, accountId: string, id: string) {
  const delivery = await findAccountDelivery(db, accountId, id);
  if (!delivery) throw notFound("Delivery");
  return { delivery, attempts: await attemptsOf(db, id) };
}

async function requireEnabledWebhook(db: Database, webhookId: string) {
  const webhook = await findWebhook(db, webhookId);
  if (!webhook) throw new ApiError("CONFLICT", "The delivery's webhook was deleted.");
  if (!webhook.enabled) {
    throw new ApiError(
      "CONFLICT",
      `The webhook is disabled (${webhook.disabledReason}); enable it before redelivering.`,
    );
  }
}

/** Queues deliveries already stored as pending; a failed send is left to the outbox sweeper. */
async function enqueueDeliveries(deps: DeliveryDeps, ids: string[]) {
  try {
    await sendMessages(
      deps.queue,
      ids.map((id) => deliverMessage(id)),
    );
  } catch (error) {
    console.error(`queue send failed; the outbox sweeper will retry: ${(error as Error).name}`);
  }
}

/**
 * Puts a finished delivery back to pending, due now, and queues it. It keeps its id (the receiver
 * deduplicates on it) and its attempts; the new attempt is numbered after them.
 */
export async function redeliver(deps: DeliveryDeps, accountId: string, id: string) {
  const { db } = deps;
  const delivery = await findAccountDelivery(db, accountId, id);
  if (!delivery) throw notFound("Delivery");
  if (delivery.status === "pending") {
    throw new ApiError("CONFLICT", "The delivery is still pending; it will be attempted.");
  }
  await requireEnabledWebhook(db, delivery.webhookId);
  await requeueDeliveries(db, [id], iso(deps.now()));
  await enqueueDeliveries(deps, [id]);
  return (await findAccountDelivery(db, accountId, id)) as DeliveryRow;
}

/** Redelivers every failed delivery of a webhook created since `since`. */
export async function recover(
  deps: DeliveryDeps,
  owner: { accountId: string; integrationId: string },
  webhookId: string,
  since: string,
) {
  const { db } = deps;
  const webhook = await getWebhook(db, owner, webhookId);
  await requireEnabledWebhook(db, webhook.id);
  const ids = (await failedDeliveriesSince(db, webhook.id, since)).map((row) => row.id);
  await requeueDeliveries(db, ids, iso(deps.now()));
  await enqueueDeliveries(deps, ids);
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
 * Sends one signed sample request to the webhook now and returns what happened. Nothing is
 * stored: no delivery, no attempt, no change to the webhook's health. Works on a disabled webhook.
 */
export async function testWebhook(
  deps: DeliveryDeps,
  owner: { accountId: string; integrationId: string },
  webhookId: string,
) {
  const webhook = await getWebhook(deps.db, owner, webhookId);
  const now = deps.now();
  const payload = samplePayload(webhook.trigger);
  const messageId = newId("dlv");
  const request = await buildRequest(
    await openWebhook(webhook, deps.secretsKey, now),
    {
      deliveryId: messageId,
      trigger: webhook.trigger,
      eventUid: SAMPLE_EVENT_UID,
      entityUid: webhook.trigger.startsWith("event.") ? SAMPLE_EVENT_UID : SAMPLE_GUEST_UID,
      cause: null,
      payload: JSON.stringify(payload),
      attempt: 1,
    },
    Math.floor(now / 1000),
  );
  const sent = await sendRequest(request, deps);
  return { webhookId: webhook.id, messageId, success: isSuccess(sent.statusCode), ...sent };
}

// --- manual actions ---------------------------------------------------------------------------

export type ActionSubject = { kind: "event" | "attendee"; uid: string };

/** The event (and attendee) an action is about, or 404. */
async function loadSubject(db: Database, accountId: string, subject: ActionSubject) {
  if (subject.kind === "event") {
    return { event: await getEvent(db, accountId, subject.uid), attendee: null };
  }
  return getAttendee(db, accountId, subject.uid);
}

async function manualWebhooks(db: Database, event: EventRow, trigger: Trigger) {
  const route = await routeFor(
    db,
    { accountId: event.accountId, profileId: event.profileId, eventId: event.id },
    trigger,
  );
  return { route, webhooks: route?.webhooks ?? [] };
}

const manualTrigger = (kind: ActionSubject["kind"]) =>
  kind === "event" ? ("event.manual" as const) : ("guest.manual" as const);

/** The manual webhooks that apply to this event or attendee. */
export async function listActions(db: Database, accountId: string, subject: ActionSubject) {
  const { event } = await loadSubject(db, accountId, subject);
  const { webhooks } = await manualWebhooks(db, event, manualTrigger(subject.kind));
  return webhooks;
}

/**
 * Fires a manual webhook: the trigger (with the current representation) and its delivery are
 * written in one batch, then the delivery is queued. A webhook that does not apply is a 404.
 */
export async function runAction(
  deps: DeliveryDeps,
  accountId: string,
  subject: ActionSubject,
  webhookId: string,
) {
  const { db } = deps;
  const { event, attendee } = await loadSubject(db, accountId, subject);
  const trigger = manualTrigger(subject.kind);
  const { route, webhooks } = await manualWebhooks(db, event, trigger);
  const webhook = webhooks.find((w) => w.id === webhookId);
  if (!route || !webhook) throw notFound("Manual action");

  const snapshot = attendee ? serializeAttendee(attendee, event) : serializeEvent(event);
  const entityUid = attendee ? attendee.id : event.id;
  const recorded = recordTrigger(db, {
    accountId,
    trigger,
    profileId: event.profileId,
    eventId: event.id,
    entityUid,
    snapshot,
    webhookId: webhook.id,
  });
  const at = iso(deps.now());
  const delivery = newDelivery(
    { id: recorded.id, accountId, trigger, eventId: event.id, entityUid, cause: null },
    webhook,
    payloadFor(trigger, snapshot, route.mapping),
    at,
  );
  await db.batch([
    recorded.statement,
    insertDeliveryOnce(db, delivery),
    markTriggerProcessed(db, recorded.id, at),
  ]);
  await enqueueDeliveries(deps, [delivery.id]);
  return delivery as DeliveryRow;
}
