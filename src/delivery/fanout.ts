import {
  type DeliveryRow,
  insertDeliveryOnce,
  webhooksPendingForTrigger,
} from "../db/queries/deliveries";
import { triggerWithRoute } from "../db/queries/routing";
import { markTriggerProcessed, type TriggerRow } from "../db/queries/triggers";
import type { WebhookRow } from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { payloadFor, type Route, routeOf, webhooksFiredBy } from "../domain/routing";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";

/**
 * Fan-out (API.md §6): a trigger becomes one delivery per webhook it fires. The queue consumer
 * fans out the triggers of API changes; a manual action fans out its own trigger in the request.
 * The body of every attempt is fixed here, when the delivery is created: each attempt sends the
 * same bytes. Sending is the endpoints' work (delivery/endpoint.ts), not fan-out's.
 */

/** A delivery this fan-out creates, with the webhook it goes to. */
export type NewDelivery = { delivery: DeliveryRow; webhook: WebhookRow };

/**
 * What fans a pending trigger out: its deliveries' inserts (at most one per webhook, on the
 * delivery log) and the statement that marks the trigger processed (on DB), and the deliveries.
 */
export function fanOut(deps: Deps, trigger: TriggerRow, route: Route | null) {
  const at = iso(deps.now());
  const fired = route ? webhooksFiredBy(route, trigger) : [];
  const payload = route ? payloadFor(trigger.trigger, trigger.snapshot, route.mapping) : "";
  const deliveries = fired.map((webhook) => ({
    delivery: newDelivery(trigger, webhook, payload, at),
    webhook,
  }));
  return {
    inserts: deliveries.map(({ delivery }) => insertDeliveryOnce(deps.deliveriesDb, delivery)),
    processed: markTriggerProcessed(deps.db, trigger.id, at),
    deliveries,
  };
}

/**
 * Fans a trigger out and returns the webhooks whose endpoints have work: those it fired, or for a
 * trigger already processed (a redelivered message) those with deliveries of it still pending.
 * Its subject's earlier changes still pending are fanned out first (per-subject order holds even
 * when a message comes late or is lost: `changed_at` orders what exists, this makes it exist).
 * The deliveries are written first and the trigger marked after (two databases, two batches): a
 * consumer that dies between them leaves the trigger pending, and fanning it out again inserts
 * nothing twice (one delivery per trigger and webhook), so nothing is lost or doubled.
 */
export async function fanOutTrigger(deps: Deps, triggerId: string): Promise<string[]> {
  const found = await triggerWithRoute(deps.db, triggerId);
  if (!found) return [];
  const { trigger, context, applying } = found;
  // An earlier change to the same subject whose message is late or lost goes out first.
  const earlier: string[] = [];
  for (const id of found.earlier) earlier.push(...(await fanOutTrigger(deps, id)));
  if (trigger.status !== "pending") {
    const pending = await webhooksPendingForTrigger(deps.deliveriesDb, trigger.id);
    return [...earlier, ...pending.map((row) => row.webhookId)];
  }
  const route = routeOf(context, applying, trigger.eventId);
  const { inserts, processed, deliveries } = fanOut(deps, trigger, route);
  const [first, ...rest] = inserts;
  if (first) await deps.deliveriesDb.batch([first, ...rest]);
  await processed;
  return [...earlier, ...deliveries.map(({ webhook }) => webhook.id)];
}

function newDelivery(
  trigger: Pick<
    TriggerRow,
    "id" | "accountId" | "trigger" | "eventId" | "entityUid" | "cause" | "createdAt"
  >,
  webhook: WebhookRow,
  payload: string,
  at: string,
): DeliveryRow {
  return {
    id: newId("dlv"),
    accountId: trigger.accountId,
    triggerId: trigger.id,
    webhookId: webhook.id,
    integrationId: webhook.integrationId,
    trigger: trigger.trigger,
    eventUid: trigger.eventId,
    entityUid: trigger.entityUid,
    cause: trigger.cause,
    payload,
    changedAt: trigger.createdAt,
    status: "pending",
    attemptCount: 0,
    nextAttemptAt: at,
    lockedUntil: null,
    createdAt: at,
    updatedAt: at,
  };
}
