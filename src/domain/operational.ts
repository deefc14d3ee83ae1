import type { WebhookRow } from "../db/queries/webhooks";
import { MASK } from "./webhook";

/**
 * Operational notifications (issue 15): what happens to an account's integrations that someone
 * should act on, sent to the account's operational endpoints. An operational endpoint is a row of
 * `webhooks` with no integration and the trigger `operational`, so the delivery engine (fan-out,
 * the ENDPOINT scheduler, retries, the delivery log) handles it like any webhook. A notification
 * is an outbox trigger written in the batch of the change that causes it, under a deterministic
 * id (`ntf_...`), so it can be neither lost nor doubled. The kinds and the endpoints' trigger are
 * in lib/types.ts (OPERATIONAL_EVENTS, OPERATIONAL_TRIGGER), below the db layer that writes them.
 */

/** A key is announced this long before its `expires_at`. */
export const KEY_EXPIRY_NOTICE_SECONDS = 7 * 24 * 3600;

/** How many of a webhook's attempts `webhook.disabled` carries at most. */
export const LAST_ATTEMPTS = 5;

const PREFIX = "ntf_";

/** The trigger id of a notification: one per webhook and moment, or one per key. */
export const notificationId = {
  disabled: (webhookId: string, at: string) => `${PREFIX}disabled_${webhookId}_${Date.parse(at)}`,
  failing: (webhookId: string, since: string) =>
    `${PREFIX}failing_${webhookId}_${Date.parse(since)}`,
  /** The prefix of a key's: the key id follows (written by SQL). */
  expiringPrefix: `${PREFIX}expiring_`,
};

/** Whether a trigger id is a notification's (fan-out sends it to operational endpoints). */
export const isNotificationId = (triggerId: string) => triggerId.startsWith(PREFIX);

/** The body every operational endpoint receives (Standard Webhooks' `type`, `timestamp`, `data`). */
export function notificationBody(
  trigger: { id: string; trigger: string; createdAt: string },
  data: Record<string, unknown>,
) {
  return { id: trigger.id, type: trigger.trigger, timestamp: trigger.createdAt, data };
}

/** An operational endpoint as the API shows it: header values masked, never the secret. */
export function serializeOperationalWebhook(row: WebhookRow) {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    headers: Object.fromEntries(row.headerNames.map((name) => [name, MASK] as const)),
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    state: row.state,
    paused_until: row.pausedUntil,
    secret_prefix: row.secretPrefix,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
