import {
  insertDeliveriesOnce,
  lastAttemptsOfWebhook,
  webhooksPendingForTrigger,
} from "../db/queries/deliveries";
import { notificationWithEndpoints } from "../db/queries/notifications";
import type { Deps } from "../deps";
import { LAST_ATTEMPTS, notificationBody } from "../domain/operational";
import { iso } from "../lib/time";
import type { NotifiedAttempt } from "../lib/types";
import { type FanOutPlan, newDelivery } from "./fanout";

/**
 * Fan-out of an operational notification (domain/operational.ts): one delivery to each enabled
 * operational endpoint of the account, its body fixed here like every delivery's. From there the
 * endpoints send it as any webhook's delivery: signed, paced, retried and logged.
 */
export async function planNotification(deps: Deps, triggerId: string): Promise<FanOutPlan> {
  const { trigger, endpoints } = await notificationWithEndpoints(deps.db, triggerId);
  if (!trigger) return { inserts: [], processed: [], webhookIds: [] };
  if (trigger.status !== "pending") {
    // A message of a notification already fanned out: wake the endpoints still owing it.
    const pending = await webhooksPendingForTrigger(deps.deliveriesDb, trigger.id);
    return { inserts: [], processed: [], webhookIds: pending.map((row) => row.webhookId) };
  }
  const at = iso(deps.now());
  const data =
    trigger.trigger === "webhook.disabled"
      ? await withLastAttempts(deps, trigger.entityUid, trigger.snapshot)
      : trigger.snapshot;
  const payload = JSON.stringify(notificationBody(trigger, data));
  const deliveries = endpoints.map((webhook) =>
    newDelivery(trigger, webhook, { payload, url: null }, at),
  );
  // Kept out of the trigger log (which lists event triggers), its outcome says what it made.
  const outcome = deliveries.length > 0 ? "fired" : "no_webhook_for_trigger";
  return {
    inserts: insertDeliveriesOnce(deliveries),
    processed: [{ id: trigger.id, outcome, deliveryCount: deliveries.length }],
    webhookIds: endpoints.map((webhook) => webhook.id),
  };
}

/**
 * `webhook.disabled` with the webhook's last attempts from the delivery log, beside those written
 * with the change that disabled it (the log's batch may not have landed): oldest first, at most
 * LAST_ATTEMPTS.
 */
async function withLastAttempts(
  deps: Deps,
  webhookId: string,
  data: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const logged = await lastAttemptsOfWebhook(deps.deliveriesDb, webhookId, LAST_ATTEMPTS);
  const written = (data.last_attempts ?? []) as NotifiedAttempt[];
  const byAttempt = new Map(
    [...logged, ...written].map((a) => [`${a.delivery_id} ${a.attempt}`, a] as const),
  );
  const last = [...byAttempt.values()]
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
    .slice(-LAST_ATTEMPTS);
  return { ...data, last_attempts: last };
}
