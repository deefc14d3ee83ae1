import type { Statement } from "../db/batch";
import {
  type DeliveryRow,
  insertAttemptOfNewDelivery,
  insertDeliveryOnce,
  pendingDeliveriesOfTrigger,
} from "../db/queries/deliveries";
import type { EventRow } from "../db/queries/events";
import { triggerWithRoute } from "../db/queries/routing";
import { markTriggerProcessed, type TriggerRow } from "../db/queries/triggers";
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
import { LOCK_SECONDS } from "./attempt";

/**
 * Fan-out (API.md §6): a trigger becomes one delivery per webhook it fires. The queue consumer
 * fans out the triggers of API changes; a manual action fans out its own trigger in the request.
 */

/** A delivery this fan-out has just created, with the webhook to send it to. */
export type NewDelivery = { delivery: DeliveryRow; webhook: WebhookRow };

/**
 * The statements that fan a pending trigger out (its deliveries, inserted at most once per
 * webhook, then the trigger marked processed) and the deliveries they insert. Each delivery's
 * body and URL are rendered here, once (domain/webhook-content.ts). With `claim`, the deliveries
 * are inserted locked: whoever runs the batch attempts them without a separate claim.
 *
 * A webhook whose template cannot be rendered for this item still gets its delivery, `failed` at
 * once with one attempt that says why and sent nothing (`unrendered`): the trigger is not lost,
 * and the webhook's health does not change. Its statements come after the others', so the
 * batch's results line up with `deliveries`.
 */
export function fanOut(
  deps: Deps,
  trigger: TriggerRow,
  route: Route | null,
  claim: boolean,
  event: EventRow | undefined,
): {
  statements: [Statement, ...Statement[]];
  deliveries: NewDelivery[];
  unrendered: DeliveryRow[];
} {
  const now = deps.now();
  const at = iso(now);
  const lockedUntil = claim ? iso(now + LOCK_SECONDS * 1000) : null;
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
        const delivery = newDelivery(trigger, webhook, content.rendered, at, lockedUntil);
        deliveries.push({ delivery, webhook });
        continue;
      }
      const delivery = newDelivery(trigger, webhook, { payload: "", url: null }, at, null);
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
    statements: [
      markTriggerProcessed(deps.db, trigger.id, at),
      ...deliveries.map(({ delivery }) => insertDeliveryOnce(deps.db, delivery)),
      ...unrendered.flatMap(({ delivery, error }) => [
        insertDeliveryOnce(deps.db, delivery),
        insertAttemptOfNewDelivery(deps.db, {
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
  const { trigger, event, context, applying } = found;
  if (trigger.status !== "pending") {
    const pending = await pendingDeliveriesOfTrigger(deps.db, trigger.id);
    return { fresh: [], pending: pending.map((row) => row.id) };
  }
  const route = routeOf(context, applying, trigger.eventId);
  const { statements, deliveries } = fanOut(deps, trigger, route, true, event);
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
  { payload, url }: Rendered,
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
    url,
    status: "pending",
    attemptCount: 0,
    nextAttemptAt: at,
    lockedUntil,
    createdAt: at,
    updatedAt: at,
  };
}
