import { runBatch, runWrites, type Statement } from "../db/batch";
import type { RawStatement } from "../db/insert-rows";
import {
  claimDelivery,
  type DeliveryRow,
  finishAttempts,
  insertAttempts,
} from "../db/queries/deliveries";
import { notifyWebhookDisabled, notifyWebhookFailing } from "../db/queries/notifications";
import {
  clearWebhookFailing,
  disableWebhook,
  disableWebhookFailingBefore,
  startWebhookFailing,
  type WebhookRow,
  webhookById,
} from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { LAST_ATTEMPTS, notificationId } from "../domain/operational";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import type { NotifiedAttempt } from "../lib/types";
import { deliverMessage, MAX_QUEUE_DELAY_SECONDS, sendMessages, triggerMessage } from "./messages";
import { isSuccess, notSent, type SendResult, sendSigned, type WebhookOpener } from "./request";
import { MAX_ATTEMPTS, retryAfterSeconds, retryDelaySeconds } from "./retry-schedule";

/** How long an attempt holds its delivery; longer than the request timeout. */
export const LOCK_SECONDS = 60;
/** A message that arrives this early is close enough: attempt now rather than re-queue. */
export const DUE_GRACE_MS = 1000;
/** A webhook whose attempts all failed for this long is disabled (`failing`). */
export const FAILING_DISABLE_SECONDS = 5 * 24 * 3600;
/** The response statuses whose `retry-after` is honoured (for the delivery and its endpoint). */
export const RETRY_AFTER_STATUSES = new Set([429, 503]);

export type AttemptOutcome =
  /** Not attempted: someone else holds it, it is finished, or (`dueAt`) it is not due yet. */
  | { kind: "skipped"; dueAt?: string }
  | { kind: "delivered"; attempt: number }
  | { kind: "retry"; attempt: number; delaySeconds: number }
  | { kind: "failed"; attempt: number };

/**
 * One attempt of one delivery, if it is due and nobody else holds it: claim it, read its webhook,
 * send it, then record the attempt and queue the retry. The endpoint scheduler claims many at
 * once instead (delivery/endpoint.ts); this is the single delivery's path.
 */
export async function attemptDelivery(deps: Deps, deliveryId: string): Promise<AttemptOutcome> {
  const now = deps.now();
  const dueBy = iso(now + DUE_GRACE_MS);
  const { delivery, dueAt } = await claimDelivery(deps.deliveriesDb, deliveryId, {
    now: iso(now),
    dueBy,
    lockUntil: iso(now + LOCK_SECONDS * 1000),
  });
  if (!delivery) return dueAt && dueAt > dueBy ? { kind: "skipped", dueAt } : { kind: "skipped" };
  const [webhook] = await webhookById(deps.db, delivery.webhookId);
  const sent = await sendAttempt(deps, delivery, webhook);
  await recordAttempts(deps, [sent], webhook);
  return sent.outcome;
}

/** What one attempt did, to record. */
export type SentAttempt = {
  delivery: DeliveryRow;
  webhookEnabled: boolean;
  sent: SendResult;
  outcome: Exclude<AttemptOutcome, { kind: "skipped" }>;
};

/** Sends one attempt of a claimed delivery (nothing is written yet). */
export async function sendAttempt(
  deps: Deps,
  claimed: DeliveryRow,
  webhook: WebhookRow | undefined,
  opener?: WebhookOpener,
): Promise<SentAttempt> {
  const attempt = claimed.attemptCount + 1;
  const webhookEnabled = webhook?.enabled === true;
  const sent = !webhook
    ? notSent(deps.now(), "The webhook was deleted.")
    : !webhookEnabled
      ? notSent(deps.now(), `The webhook is disabled (${webhook.disabledReason}).`)
      : await sendSigned(
          deps,
          webhook,
          {
            deliveryId: claimed.id,
            trigger: claimed.trigger,
            eventUid: claimed.eventUid,
            entityUid: claimed.entityUid,
            cause: claimed.cause,
            payload: claimed.payload,
            url: claimed.url,
            attempt,
          },
          opener,
        );
  const outcome = judge(deps, sent, attempt, webhookEnabled);
  deps.log.info("delivery attempt", {
    delivery_id: claimed.id,
    webhook_id: claimed.webhookId,
    account_id: claimed.accountId,
    attempt,
    outcome: outcome.kind,
    status_code: sent.statusCode,
    duration_ms: sent.durationMs,
  });
  return { delivery: claimed, webhookEnabled, sent, outcome };
}

/**
 * Records sent attempts: each attempt row and its delivery's new state (one batch on the delivery
 * log), their webhook's health and its notifications (on DB, beside it), then queues the retries
 * and the notifications written (the sweeper re-sends one whose send is lost). The endpoint records
 * the attempts of the sends it has in flight together, once they have answered or after a short
 * window (delivery/endpoint.ts). Two batches where there was one: the delivery's own batch stays
 * atomic, and the webhook's health is a clock of failures whose statements are guarded (each
 * applies only from the state it expects), so a health write lost between the two is made good by
 * the next attempt's.
 */
export async function recordAttempts(
  deps: Deps,
  attempts: readonly SentAttempt[],
  webhook: WebhookRow | undefined,
): Promise<void> {
  const { changes, notifications } = healthStatements(deps, attempts, webhook);
  const [, results] = await Promise.all([
    runWrites(deps.deliveriesDb, deliveryStatements(deps, attempts)),
    runBatch(deps.db, [...changes, ...notifications]),
  ]);
  // What the notifications' statements inserted (none when their change did not happen).
  const written = results.slice(changes.length) as { id: string }[][];
  await sendMessages(deps.queue, [
    ...attempts.flatMap(({ delivery, outcome }) =>
      outcome.kind === "retry"
        ? [deliverMessage(delivery.id, Math.min(outcome.delaySeconds, MAX_QUEUE_DELAY_SECONDS))]
        : [],
    ),
    ...written.flat().map(({ id }) => triggerMessage(id)),
  ]);
}

/** What an attempt's result means for the delivery. */
function judge(
  deps: Deps,
  sent: SendResult,
  attempt: number,
  webhookEnabled: boolean,
): Exclude<AttemptOutcome, { kind: "skipped" }> {
  if (isSuccess(sent.statusCode)) return { kind: "delivered", attempt };
  if (!webhookEnabled || sent.statusCode === 410 || attempt >= MAX_ATTEMPTS) {
    return { kind: "failed", attempt };
  }
  const asked =
    sent.statusCode !== null && RETRY_AFTER_STATUSES.has(sent.statusCode)
      ? retryAfterSeconds(sent.retryAfter, deps.now())
      : null;
  const scheduled = retryDelaySeconds(attempt, deps.random);
  if (scheduled === null) return { kind: "failed", attempt };
  // `retry-after` is a floor: a receiver asking for 1 s must not use up the schedule in seconds.
  return { kind: "retry", attempt, delaySeconds: Math.max(asked ?? 0, scheduled) };
}

/**
 * The webhook's failing clock after its attempts (nothing for a webhook that was not called), and
 * the notifications of what changed: the run of failures starting (`webhook.failing`), the
 * webhook disabled (`webhook.disabled`). Each notification's statement runs after the changes in
 * the same batch and inserts only if its change happened (db/queries/notifications.ts).
 */
function healthStatements(
  deps: Deps,
  attempts: readonly SentAttempt[],
  webhook: WebhookRow | undefined,
): { changes: Statement[]; notifications: Statement[] } {
  const none = { changes: [], notifications: [] };
  const called = attempts.filter((attempt) => attempt.webhookEnabled);
  const [first] = called;
  if (!first) return none;
  const { db } = deps;
  const now = deps.now();
  const at = iso(now);
  const webhookId = first.delivery.webhookId;
  const disabled = () =>
    notifyWebhookDisabled(
      db,
      notificationId.disabled(webhookId, at),
      webhookId,
      at,
      called.slice(-LAST_ATTEMPTS).map(notified),
    );
  if (called.some(({ sent }) => sent.statusCode === 410)) {
    return { changes: [disableWebhook(db, webhookId, "gone", at)], notifications: [disabled()] };
  }
  const failed = called.filter(({ outcome }) => outcome.kind !== "delivered");
  if (failed.length < called.length) {
    // A success ends the run of failures; most follow successes: then nothing to write.
    return webhook?.failingSince === null
      ? none
      : { changes: [clearWebhookFailing(db, webhookId)], notifications: [] };
  }
  const firstFailed = failed[0] as SentAttempt;
  const since = firstFailed.sent.startedAt;
  return {
    changes: [
      startWebhookFailing(db, webhookId, since),
      disableWebhookFailingBefore(db, webhookId, iso(now - FAILING_DISABLE_SECONDS * 1000), at),
    ],
    notifications: [
      notifyWebhookFailing(
        db,
        notificationId.failing(webhookId, since),
        webhookId,
        since,
        notified(firstFailed),
      ),
      disabled(),
    ],
  };
}

/** An attempt as a notification tells it (no response body). */
function notified({ delivery, sent, outcome }: SentAttempt): NotifiedAttempt {
  return {
    delivery_id: delivery.id,
    attempt: outcome.attempt,
    started_at: sent.startedAt,
    status_code: sent.statusCode,
    error: sent.error,
  };
}

/**
 * The attempts' rows and their deliveries after them (claims released): two statements for any
 * number of attempts, one batch on the delivery log.
 */
function deliveryStatements(deps: Deps, attempts: readonly SentAttempt[]): RawStatement[] {
  if (attempts.length === 0) return [];
  const now = deps.now();
  return [
    ...insertAttempts(
      attempts.map(({ delivery, sent, outcome }) => ({
        id: newId("att"),
        deliveryId: delivery.id,
        attempt: outcome.attempt,
        startedAt: sent.startedAt,
        durationMs: sent.durationMs,
        statusCode: sent.statusCode,
        error: sent.error,
        responseExcerpt: sent.responseExcerpt,
      })),
    ),
    ...finishAttempts(
      attempts.map(({ delivery, outcome }) => ({
        id: delivery.id,
        status:
          outcome.kind === "delivered"
            ? "delivered"
            : outcome.kind === "retry"
              ? "pending"
              : "failed",
        attemptCount: outcome.attempt,
        nextAttemptAt: outcome.kind === "retry" ? iso(now + outcome.delaySeconds * 1000) : null,
        updatedAt: iso(now),
      })),
    ),
  ];
}
