import type { Statement } from "../db/batch";
import {
  type DeliveryRow,
  insertDeliveryOnce,
  pendingDeliveriesOfTrigger,
} from "../db/queries/deliveries";
import { triggerWithRoute } from "../db/queries/routing";
import { markTriggerProcessed, type TriggerRow } from "../db/queries/triggers";
import type { WebhookRow } from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { payloadFor, type Route, routeOf, webhooksFiredBy } from "../domain/routing";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { LOCK_SECONDS } from "./attempt";

/**
 * Fan-out (API.md §6): a trigger becomes one delivery per webhook it fires. The queue consumer
 * fans out the triggers of API changes; a manual action fans out its own trigger in the request.
 */

/** A delivery this fan-out has just created, with the webhook to send it to. */
export type NewDelivery = { delivery: DeliveryRow; webhook: WebhookRow };

/**
 * The statements that fan a pending trigger out (its deliveries, inserted at most once per
 * webhook, then the trigger marked processed) and the deliveries they insert. With `claim`, the
 * deliveries are inserted locked: whoever runs the batch attempts them without a separate claim.
 */
export function fanOut(
  deps: Deps,
  trigger: TriggerRow,
  route: Route | null,
  claim: boolean,
): { statements: [Statement, ...Statement[]]; deliveries: NewDelivery[] } {
  const now = deps.now();
  const at = iso(now);
  const fired = route ? webhooksFiredBy(route, trigger) : [];
  const payload = route ? payloadFor(trigger.trigger, trigger.snapshot, route.mapping) : "";
  const lockedUntil = claim ? iso(now + LOCK_SECONDS * 1000) : null;
  const deliveries = fired.map((webhook) => ({
    delivery: newDelivery(trigger, webhook, payload, at, lockedUntil),
    webhook,
  }));
  return {
    statements: [
      markTriggerProcessed(deps.db, trigger.id, at),
      ...deliveries.map(({ delivery }) => insertDeliveryOnce(deps.db, delivery)),
    ],
    deliveries,
  };
}

/**
 * Fans a trigger out and returns the deliveries this consumer must attempt: those it inserted
 * (already claimed), or for a trigger already processed (a redelivered message) the ids of its
 * still pending deliveries, to attempt with a claim.
 */
export async function fanOutTrigger(
  deps: Deps,
  triggerId: string,
): Promise<{ fresh: NewDelivery[]; pending: string[] }> {
  const found = await triggerWithRoute(deps.db, triggerId);
  if (!found) return { fresh: [], pending: [] };
  const { trigger, context, applying } = found;
  if (trigger.status !== "pending") {
    const pending = await pendingDeliveriesOfTrigger(deps.db, trigger.id);
    return { fresh: [], pending: pending.map((row) => row.id) };
  }
  const route = routeOf(context, applying, trigger.eventId);
  const { statements, deliveries } = fanOut(deps, trigger, route, true);
  const [, ...inserted] = await deps.db.batch(statements);
  // A conflicting insert (another consumer got here first) returns nothing: that one attempts it.
  return {
    fresh: deliveries.filter((_, i) => (inserted[i] as unknown[]).length === 1),
    pending: [],
  };
}

function newDelivery(
  trigger: Pick<TriggerRow, "id" | "accountId" | "trigger" | "eventId" | "entityUid" | "cause">,
  webhook: WebhookRow,
  payload: string,
  at: string,
  lockedUntil: string | null,
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
    status: "pending",
    attemptCount: 0,
    nextAttemptAt: at,
    lockedUntil,
    createdAt: at,
    updatedAt: at,
  };
}
