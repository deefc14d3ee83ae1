import { runBatch, type Statement } from "../db/batch";
import {
  claimDelivery,
  type DeliveryRow,
  finishAttempt,
  insertAttempt,
} from "../db/queries/deliveries";
import {
  clearWebhookFailing,
  disableWebhook,
  disableWebhookFailingBefore,
  startWebhookFailing,
  type WebhookRow,
} from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { newId } from "../lib/ids";
import { iso } from "../lib/time";
import { deliverMessage, MAX_QUEUE_DELAY_SECONDS, sendMessages } from "./messages";
import { isSuccess, notSent, type SendResult, sendSigned } from "./request";
import { MAX_ATTEMPTS, retryAfterSeconds, retryDelaySeconds } from "./retry-schedule";

/** How long an attempt holds its delivery; longer than the request timeout. */
export const LOCK_SECONDS = 60;
/** A message that arrives this early is close enough: attempt now rather than re-queue. */
export const DUE_GRACE_MS = 1000;
/** A webhook whose attempts all failed for this long is disabled (`failing`). */
export const FAILING_DISABLE_SECONDS = 5 * 24 * 3600;
/** The response statuses whose `retry-after` is honoured. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

export type AttemptOutcome =
  /** Not attempted: someone else holds it, it is finished, or (`dueAt`) it is not due yet. */
  | { kind: "skipped"; dueAt?: string }
  | { kind: "delivered"; attempt: number }
  | { kind: "retry"; attempt: number; delaySeconds: number }
  | { kind: "failed"; attempt: number };

/**
 * One attempt of one delivery, if it is due and nobody else holds it: claim it (reading its
 * webhook in the same round trip), send it, then record the attempt and queue the retry.
 */
export async function attemptDelivery(deps: Deps, deliveryId: string): Promise<AttemptOutcome> {
  const now = deps.now();
  const dueBy = iso(now + DUE_GRACE_MS);
  const { delivery, webhook, dueAt } = await claimDelivery(deps.db, deliveryId, {
    now: iso(now),
    dueBy,
    lockUntil: iso(now + LOCK_SECONDS * 1000),
  });
  if (!delivery) return dueAt && dueAt > dueBy ? { kind: "skipped", dueAt } : { kind: "skipped" };
  const [outcome] = await recordAttempts(deps, [await sendAttempt(deps, delivery, webhook)]);
  return outcome;
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
): Promise<SentAttempt> {
  const attempt = claimed.attemptCount + 1;
  const webhookEnabled = webhook?.enabled === true;
  const sent = !webhook
    ? notSent(deps.now(), "The webhook was deleted.")
    : !webhookEnabled
      ? notSent(deps.now(), `The webhook is disabled (${webhook.disabledReason}).`)
      : await sendSigned(deps, webhook, {
          deliveryId: claimed.id,
          trigger: claimed.trigger,
          eventUid: claimed.eventUid,
          entityUid: claimed.entityUid,
          cause: claimed.cause,
          payload: claimed.payload,
          url: claimed.url,
          attempt,
        });
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
 * Records sent attempts (each attempt row, its delivery's new state, its webhook's health) in one
 * D1 batch, then queues the retries. A consumer that sends several deliveries of one trigger
 * records them together: one round trip instead of one per delivery.
 */
export async function recordAttempts(
  deps: Deps,
  attempts: SentAttempt[],
): Promise<Array<SentAttempt["outcome"]>> {
  await runBatch(
    deps.db,
    attempts.flatMap((attempt) => attemptStatements(deps, attempt)),
  );
  const retries = attempts.flatMap(({ delivery, outcome }) =>
    outcome.kind === "retry"
      ? [deliverMessage(delivery.id, Math.min(outcome.delaySeconds, MAX_QUEUE_DELAY_SECONDS))]
      : [],
  );
  await sendMessages(deps.queue, retries);
  return attempts.map((attempt) => attempt.outcome);
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

function attemptStatements(deps: Deps, attempt: SentAttempt): Statement[] {
  const { delivery, sent, outcome, webhookEnabled } = attempt;
  const { db } = deps;
  const now = deps.now();
  const at = iso(now);
  // A disabled or deleted webhook was not called: its health does not change.
  const webhookStatements = !webhookEnabled
    ? []
    : outcome.kind === "delivered"
      ? [clearWebhookFailing(db, delivery.webhookId)]
      : sent.statusCode === 410
        ? [disableWebhook(db, delivery.webhookId, "gone", at)]
        : [
            startWebhookFailing(db, delivery.webhookId, sent.startedAt),
            disableWebhookFailingBefore(
              db,
              delivery.webhookId,
              iso(now - FAILING_DISABLE_SECONDS * 1000),
              at,
            ),
          ];
  return [
    insertAttempt(db, {
      id: newId("att"),
      deliveryId: delivery.id,
      attempt: outcome.attempt,
      startedAt: sent.startedAt,
      durationMs: sent.durationMs,
      statusCode: sent.statusCode,
      error: sent.error,
      responseExcerpt: sent.responseExcerpt,
    }),
    finishAttempt(db, delivery.id, {
      status:
        outcome.kind === "delivered"
          ? "delivered"
          : outcome.kind === "retry"
            ? "pending"
            : "failed",
      attemptCount: outcome.attempt,
      nextAttemptAt: outcome.kind === "retry" ? iso(now + outcome.delaySeconds * 1000) : null,
      updatedAt: at,
    }),
    ...webhookStatements,
  ];
}
