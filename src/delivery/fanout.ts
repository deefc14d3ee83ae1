import { runBatch, type Statement } from "../db/batch";
import {
  type DeliveryRow,
  insertAttemptOfNewDelivery,
  insertDeliveryOnce,
  webhooksPendingForTrigger,
} from "../db/queries/deliveries";
import type { EventRow } from "../db/queries/events";
import { triggerWithRoute } from "../db/queries/routing";
import { markTriggersProcessed, type TriggerRow } from "../db/queries/triggers";
import type { WebhookRow } from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { serializeEvent } from "../domain/event";
import { type Route, routeOf, webhooksFiredBy } from "../domain/routing";
import {
  type Rendered,
  renderingFailure,
  templateScope,
  tryRenderContent,
} from "../domain/webhook-content";
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
 * delivery log) and the deliveries, to commit with `commitFanOuts`. Each delivery's body and URL
 * are rendered here, once (domain/webhook-content.ts): every attempt sends the same bytes.
 *
 * A webhook whose template cannot be rendered for this item still gets its delivery, `failed` at
 * once with one attempt that says why and sent nothing (`unrendered`): the trigger is not lost,
 * and the webhook's health does not change.
 */
export function fanOut(
  deps: Deps,
  trigger: TriggerRow,
  route: Route | null,
  event: EventRow | undefined,
): { inserts: Statement[]; deliveries: NewDelivery[]; unrendered: DeliveryRow[] } {
  const at = iso(deps.now());
  const db = deps.deliveriesDb;
  const deliveries: NewDelivery[] = [];
  const unrendered: { delivery: DeliveryRow; error: string }[] = [];
  if (route) {
    const scope = templateScope(trigger.trigger, trigger.snapshot, route.mapping, {
      account: { id: trigger.accountId, name: route.account?.name ?? "" },
      event: event ? serializeEvent(event) : null,
    });
    for (const webhook of webhooksFiredBy(route, trigger)) {
      const content = tryRenderContent(webhook, scope);
      if ("rendered" in content) {
        deliveries.push({ delivery: newDelivery(trigger, webhook, content.rendered, at), webhook });
        continue;
      }
      const delivery = newDelivery(trigger, webhook, { payload: "", url: null }, at);
      unrendered.push({
        delivery: { ...delivery, status: "failed", attemptCount: 1, nextAttemptAt: null },
        error: renderingFailure(content.failed),
      });
      // The path only: a message can quote the item's values.
      deps.log.info("delivery not rendered", {
        delivery_id: delivery.id,
        webhook_id: webhook.id,
        account_id: trigger.accountId,
        path: content.failed.path,
      });
    }
  }
  return {
    inserts: [
      ...deliveries.map(({ delivery }) => insertDeliveryOnce(db, delivery)),
      ...unrendered.flatMap(({ delivery, error }) => [
        insertDeliveryOnce(db, delivery),
        insertAttemptOfNewDelivery(db, {
          id: newId("att"),
          deliveryId: delivery.id,
          attempt: 1,
          startedAt: at,
          durationMs: 0,
          statusCode: null,
          error,
          responseExcerpt: null,
        }),
      ]),
    ],
    deliveries,
    unrendered: unrendered.map(({ delivery }) => delivery),
  };
}

/**
 * A trigger's fan-out, decided from one read and not yet written: the inserts, the triggers to
 * mark processed, and the webhooks whose endpoints then have work.
 */
export type FanOutPlan = { inserts: Statement[]; processed: string[]; webhookIds: string[] };

/**
 * Plans a trigger's fan-out: the webhooks it fires, or for a trigger already processed (a
 * redelivered message) those with deliveries of it still pending. When one of those webhooks
 * keeps per-subject order, the subject's earlier changes still pending come first in the plan
 * (order holds even when a message comes late or is lost: `changed_at` orders what exists, this
 * makes it exist). `plans` shares plans across a consumer batch (a burst of changes to one event
 * names the same earlier ones).
 */
export function planFanOut(
  deps: Deps,
  triggerId: string,
  plans = new Map<string, Promise<FanOutPlan>>(),
  earlierToo = true,
): Promise<FanOutPlan> {
  let plan = plans.get(triggerId);
  if (!plan) {
    plan = planOne(deps, triggerId, plans, earlierToo);
    plans.set(triggerId, plan);
  }
  return plan;
}

async function planOne(
  deps: Deps,
  triggerId: string,
  plans: Map<string, Promise<FanOutPlan>>,
  earlierToo: boolean,
): Promise<FanOutPlan> {
  const found = await triggerWithRoute(deps.db, triggerId);
  if (!found) return { inserts: [], processed: [], webhookIds: [] };
  const { trigger, context, applying } = found;
  const ordered = earlierToo && applying.webhooks.some((w) => w.ordering === "per_subject");
  // The earlier ones are the subject's oldest pending: theirs are among them, no need to look again.
  const earlier = ordered
    ? await Promise.all(found.earlier.map((id) => planFanOut(deps, id, plans, false)))
    : [];
  if (trigger.status !== "pending") {
    const pending = await webhooksPendingForTrigger(deps.deliveriesDb, trigger.id);
    const webhookIds = pending.map((row) => row.webhookId);
    return mergePlans([...earlier, { inserts: [], processed: [], webhookIds }]);
  }
  const route = routeOf(context, applying, trigger.eventId);
  const { inserts, deliveries } = fanOut(deps, trigger, route, found.event);
  const webhookIds = deliveries.map(({ webhook }) => webhook.id);
  return mergePlans([...earlier, { inserts, processed: [trigger.id], webhookIds }]);
}

function mergePlans(plans: readonly FanOutPlan[]): FanOutPlan {
  return {
    inserts: plans.flatMap((p) => p.inserts),
    processed: plans.flatMap((p) => p.processed),
    webhookIds: plans.flatMap((p) => p.webhookIds),
  };
}

/**
 * Writes fan-outs (a consumer batch's together: one batch of inserts, one statement marking the
 * triggers): the deliveries first, the triggers after (two databases, two batches). A consumer
 * that dies between them leaves the triggers pending, and fanning them out again inserts nothing
 * twice (one delivery per trigger and webhook), so nothing is lost or doubled.
 */
export async function commitFanOuts(deps: Deps, plans: readonly FanOutPlan[]): Promise<void> {
  const { inserts, processed } = mergePlans(plans);
  // A plan shared by several messages of the batch is written once.
  await runBatch(deps.deliveriesDb, [...new Set(inserts)]);
  if (processed.length > 0) {
    await markTriggersProcessed(deps.db, [...new Set(processed)], iso(deps.now()));
  }
}

/** Fans one trigger out now; returns the webhooks whose endpoints have work. */
export async function fanOutTrigger(deps: Deps, triggerId: string): Promise<string[]> {
  const plan = await planFanOut(deps, triggerId);
  await commitFanOuts(deps, [plan]);
  return plan.webhookIds;
}

function newDelivery(
  trigger: Pick<
    TriggerRow,
    "id" | "accountId" | "trigger" | "eventId" | "entityUid" | "cause" | "createdAt"
  >,
  webhook: WebhookRow,
  { payload, url }: Rendered,
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
    url,
    changedAt: trigger.createdAt,
    status: "pending",
    attemptCount: 0,
    nextAttemptAt: at,
    lockedUntil: null,
    createdAt: at,
    updatedAt: at,
  };
}
