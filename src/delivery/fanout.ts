import type { Database } from "../db/client";
import {
  type DeliveryRow,
  insertDeliveryOnce,
  pendingDeliveriesOfTrigger,
} from "../db/queries/deliveries";
import type { IntegrationRow } from "../db/queries/integrations";
import type { OverrideRow } from "../db/queries/overrides";
import {
  findTriggerWithContext,
  integrationWithWebhooks,
  markTriggerProcessed,
  type RoutingContext,
  routingContext,
  type TriggerRow,
} from "../db/queries/triggers";
import type { WebhookRow } from "../db/queries/webhooks";
import { newId } from "../lib/ids";
import type { MappingEntry, Trigger } from "../lib/types";
import { applyMapping, mappingOfLevels } from "../services/mapping";
import { LOCK_SECONDS } from "./attempt";
import { type DeliveryDeps, iso } from "./deps";

/** The integration a trigger of an event goes to, its webhooks for that trigger, and the mapping. */
export type Route = {
  integration: IntegrationRow;
  override: OverrideRow | undefined;
  mapping: MappingEntry[];
  /** Enabled webhooks of the integration for the trigger that covers the event. */
  webhooks: WebhookRow[];
};

/**
 * The event override's integration if it names one, else the profile's active integration;
 * none when that integration has webhooks turned off. Two round trips to D1.
 */
export async function routeFor(
  db: Database,
  at: { accountId: string; profileId: string; eventId: string },
  trigger: Trigger,
  /** Already read with the trigger, if it was. */
  context?: RoutingContext,
): Promise<Route | null> {
  const { account, profile, override } = context ?? (await routingContext(db, at));
  const integrationId = override?.integrationId ?? profile?.activeIntegrationId;
  if (!integrationId) return null;
  const { integration, webhooks } = await integrationWithWebhooks(db, {
    accountId: at.accountId,
    integrationId,
    trigger,
  });
  if (!integration?.webhooksEnabled) return null;
  const mapping = mappingOfLevels({ account, profile, override }, integration);
  return {
    integration,
    override,
    mapping,
    webhooks: webhooks.filter((webhook) => coversEvent(webhook, at.eventId)),
  };
}

/** Whether a webhook listens to this event: `event_uids` empty means every event. */
export function coversEvent(webhook: WebhookRow, eventId: string): boolean {
  return webhook.eventUids.length === 0 || webhook.eventUids.includes(eventId);
}

/** The webhooks of the route that this trigger fires. */
export function webhooksFiredBy(
  route: Route,
  trigger: Pick<TriggerRow, "trigger" | "webhookId" | "cause" | "createdAt">,
): WebhookRow[] {
  if (trigger.trigger === "guest.update" && trigger.cause === "payment") {
    if (!route.override?.fireOnPayment) return [];
  }
  return route.webhooks.filter(
    (webhook) =>
      (trigger.webhookId === null || webhook.id === trigger.webhookId) &&
      // A webhook created after the change (while its trigger waited in the queue) does not get it.
      webhook.createdAt <= trigger.createdAt,
  );
}

/** The body of every attempt: events as they are, guests through the effective mapping. */
export function payloadFor(
  trigger: string,
  snapshot: Record<string, unknown>,
  mapping: MappingEntry[],
): string {
  const item = trigger.startsWith("guest.") ? applyMapping(snapshot, mapping) : snapshot;
  return JSON.stringify(item);
}

/**
 * A new pending delivery of a trigger to a webhook, due at once; `lockedUntil` set when the
 * consumer that creates it attempts it right away (the insert is then its claim).
 */
export function newDelivery(
  trigger: Pick<TriggerRow, "id" | "accountId" | "trigger" | "eventId" | "entityUid" | "cause">,
  webhook: WebhookRow,
  payload: string,
  at: string,
  lockedUntil: string | null = null,
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

/** A delivery this consumer has just created, already claimed for its first attempt. */
export type FreshDelivery = { delivery: DeliveryRow; webhook: WebhookRow };

/**
 * Fans a pending trigger out into deliveries and marks it processed, in one batch (a
 * redelivered message inserts nothing twice). The new deliveries are inserted locked: this
 * consumer attempts them at once without a separate claim. For a trigger already processed
 * (a redelivered message), the ids of its still pending deliveries, to attempt with a claim.
 */
export async function fanOutTrigger(
  deps: DeliveryDeps,
  triggerId: string,
): Promise<{ fresh: FreshDelivery[]; pending: string[] }> {
  const { db } = deps;
  const found = await findTriggerWithContext(db, triggerId);
  if (!found) return { fresh: [], pending: [] };
  const { trigger, context } = found;
  if (trigger.status !== "pending") {
    const pending = await pendingDeliveriesOfTrigger(db, trigger.id);
    return { fresh: [], pending: pending.map((row) => row.id) };
  }
  const now = deps.now();
  const at = iso(now);
  const lockedUntil = iso(now + LOCK_SECONDS * 1000);
  const route = await routeFor(db, trigger, trigger.trigger as Trigger, context);
  const fired = route ? webhooksFiredBy(route, trigger) : [];
  const payload = route ? payloadFor(trigger.trigger, trigger.snapshot, route.mapping) : "";
  const candidates = fired.map((webhook) => ({
    delivery: newDelivery(trigger, webhook, payload, at, lockedUntil),
    webhook,
  }));
  const [, ...inserted] = await db.batch([
    markTriggerProcessed(db, trigger.id, at),
    ...candidates.map((c) => insertDeliveryOnce(db, c.delivery)),
  ]);
  // A conflicting insert (another consumer got here first) returns nothing: that one attempts it.
  return { fresh: candidates.filter((_, i) => inserted[i]?.length === 1), pending: [] };
}
