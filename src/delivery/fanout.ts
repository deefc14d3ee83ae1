import { runWrites, type Write } from "../db/batch";
import {
  type DeliveryRow,
  insertAttemptOfNewDelivery,
  insertDeliveriesOnce,
  webhooksPendingForTrigger,
} from "../db/queries/deliveries";
import type { EventRow } from "../db/queries/events";
import {
  earlierPendingIds,
  type TriggerRoute,
  triggersWithRoutes,
  triggerWithRoute,
} from "../db/queries/routing";
import { type FannedOut, markTriggersProcessed, type TriggerRow } from "../db/queries/triggers";
import type { WebhookRow } from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { NO_INTEGRATION } from "../domain/delivery";
import { serializeEvent } from "../domain/event";
import { isNotificationId } from "../domain/operational";
import { type Route, routeOf, silenceOf, webhooksFiredBy } from "../domain/routing";
import {
  type Rendered,
  renderingFailure,
  templateScope,
  tryRenderContent,
} from "../domain/webhook-content";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { planNotification } from "./operational";

/**
 * Fan-out (API.md §6): a trigger becomes one delivery per webhook it fires. The queue consumer
 * fans out the triggers of API changes; a manual action fans out its own trigger in the request.
 * The body of every attempt is fixed here, when the delivery is created: each attempt sends the
 * same bytes. Sending is the endpoints' work (delivery/endpoint.ts), not fan-out's.
 */

/** A delivery this fan-out creates, with the webhook it goes to. */
export type NewDelivery = { delivery: DeliveryRow; webhook: WebhookRow };

/**
 * What one trigger fans out into: a delivery per webhook it fires, each with its body and URL
 * rendered here, once (domain/webhook-content.ts), so every attempt sends the same bytes.
 *
 * A webhook whose template cannot be rendered for this item still gets its delivery, `failed` at
 * once with one attempt that says why and sent nothing (`unrendered`): the trigger is not lost,
 * and the webhook's health does not change.
 */
export type FanOut = {
  deliveries: NewDelivery[];
  unrendered: { delivery: DeliveryRow; error: string }[];
};

/** Fans a trigger out (nothing written: `fanOutInserts` makes the statements). */
export function fanOut(
  deps: Deps,
  trigger: TriggerRow,
  route: Route | null,
  event: EventRow | undefined,
): FanOut {
  const at = iso(deps.now());
  const result: FanOut = { deliveries: [], unrendered: [] };
  if (!route) return result;
  const scope = templateScope(trigger.trigger, trigger.snapshot, route.mapping, {
    account: { id: trigger.accountId, name: route.account?.name ?? "" },
    event: event ? serializeEvent(event) : null,
  });
  for (const webhook of webhooksFiredBy(route, trigger)) {
    const content = tryRenderContent(webhook, scope);
    if ("rendered" in content) {
      result.deliveries.push({
        delivery: newDelivery(trigger, webhook, content.rendered, at),
        webhook,
      });
      continue;
    }
    const delivery = newDelivery(trigger, webhook, { payload: "", url: null }, at);
    result.unrendered.push({
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
  return result;
}

/** How many deliveries a fan-out made (the unrendered ones too: they are in the log). */
export const deliveryCountOf = (fanned: FanOut) =>
  fanned.deliveries.length + fanned.unrendered.length;

/**
 * The delivery log's statements for fan-outs: the deliveries, several per statement and each at
 * most once per trigger and webhook, then the one attempt of each unrendered delivery.
 */
export function fanOutInserts(deps: Deps, fanOuts: readonly FanOut[]): Write[] {
  const db = deps.deliveriesDb;
  const rows = fanOuts.flatMap((fanned) => [
    ...fanned.deliveries.map(({ delivery }) => delivery),
    ...fanned.unrendered.map(({ delivery }) => delivery),
  ]);
  const at = iso(deps.now());
  return [
    ...insertDeliveriesOnce(rows),
    ...fanOuts.flatMap((fanned) =>
      fanned.unrendered.map(({ delivery, error }) =>
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
      ),
    ),
  ];
}

/**
 * A trigger's fan-out, decided from one read and not yet written: the inserts, the triggers to
 * mark processed (with their outcome), and the webhooks whose endpoints then have work.
 */
export type FanOutPlan = { inserts: Write[]; processed: FannedOut[]; webhookIds: string[] };

/** Reads a trigger with its route (`earlier`, when read, is its subject's earlier pending ids). */
export type TriggerReader = (
  triggerId: string,
) => Promise<(TriggerRoute & { earlier?: string[] }) | undefined>;

/**
 * Plans shared across a consumer batch, and how its triggers are read: those named in
 * `triggerIds` in one read for all (`triggersWithRoutes`), any other (an earlier change of a
 * `per_subject` subject) on its own.
 */
export type PlanContext = { plans: Map<string, Promise<FanOutPlan>>; read: TriggerReader };

export function planContext(deps: Deps, triggerIds: readonly string[] = []): PlanContext {
  const ids = new Set(triggerIds.filter((id) => !isNotificationId(id)));
  const one: TriggerReader = (id) => triggerWithRoute(deps.db, id);
  if (ids.size < 2) return { plans: new Map(), read: one };
  let all: Promise<Map<string, TriggerRoute>> | undefined;
  return {
    plans: new Map(),
    read: async (id) => {
      if (!ids.has(id)) return one(id);
      all ??= triggersWithRoutes(deps.db, [...ids]);
      return (await all).get(id);
    },
  };
}

/**
 * Plans a trigger's fan-out: the webhooks it fires, or for a trigger already processed (a
 * redelivered message) those with deliveries of it still pending. When one of those webhooks
 * keeps per-subject order, the subject's earlier changes still pending come first in the plan
 * (order holds even when a message comes late or is lost: `changed_at` orders what exists, this
 * makes it exist). `context` shares plans across a consumer batch (a burst of changes to one
 * event names the same earlier ones) and reads its triggers together.
 */
export function planFanOut(
  deps: Deps,
  triggerId: string,
  context = planContext(deps),
  earlierToo = true,
): Promise<FanOutPlan> {
  let plan = context.plans.get(triggerId);
  if (!plan) {
    plan = planOne(deps, triggerId, context, earlierToo);
    context.plans.set(triggerId, plan);
  }
  return plan;
}

async function planOne(
  deps: Deps,
  triggerId: string,
  context: PlanContext,
  earlierToo: boolean,
): Promise<FanOutPlan> {
  if (isNotificationId(triggerId)) return planNotification(deps, triggerId);
  const found = await context.read(triggerId);
  if (!found) return { inserts: [], processed: [], webhookIds: [] };
  const { trigger, applying } = found;
  const ordered =
    earlierToo && applying.webhooks.some((w) => w.enabled && w.ordering === "per_subject");
  // The earlier ones are the subject's oldest pending: theirs are among them, no need to look again.
  const earlier = ordered
    ? await Promise.all(
        (found.earlier ?? (await earlierPendingIds(deps.db, trigger.id))).map((id) =>
          planFanOut(deps, id, context, false),
        ),
      )
    : [];
  if (trigger.status !== "pending") {
    const pending = await webhooksPendingForTrigger(deps.deliveriesDb, trigger.id);
    const webhookIds = pending.map((row) => row.webhookId);
    return mergePlans([...earlier, { inserts: [], processed: [], webhookIds }]);
  }
  const route = routeOf(found.context, applying, trigger.eventId);
  const fanned = fanOut(deps, trigger, route, found.event);
  const inserts = fanOutInserts(deps, [fanned]);
  const webhookIds = fanned.deliveries.map(({ webhook }) => webhook.id);
  const deliveryCount = deliveryCountOf(fanned);
  const outcome =
    deliveryCount > 0
      ? "fired"
      : (silenceOf(found.context, applying, trigger.eventId, trigger) ?? "no_webhook_for_trigger");
  const processed = [{ id: trigger.id, outcome, deliveryCount }];
  return mergePlans([...earlier, { inserts, processed, webhookIds }]);
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
  await runWrites(deps.deliveriesDb, [...new Set(inserts)]);
  const once = [...new Map(processed.map((row) => [row.id, row])).values()];
  await runWrites(deps.db, markTriggersProcessed(once, iso(deps.now())));
}

/** Fans one trigger out now; returns the webhooks whose endpoints have work. */
export async function fanOutTrigger(deps: Deps, triggerId: string): Promise<string[]> {
  const plan = await planFanOut(deps, triggerId);
  await commitFanOuts(deps, [plan]);
  return plan.webhookIds;
}

/** A pending delivery of a trigger to a webhook, due now, with its rendered body and URL. */
export function newDelivery(
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
    integrationId: webhook.integrationId ?? NO_INTEGRATION,
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
