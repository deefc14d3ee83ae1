import {
  claimDelivery,
  clearWebhookFailing,
  type DeliveryRow,
  disableWebhook,
  disableWebhookFailingBefore,
  finishAttempt,
  insertAttempt,
  startWebhookFailing,
} from "../db/queries/deliveries";
import type { WebhookRow } from "../db/queries/webhooks";
import { newId } from "../lib/ids";
import { type DeliveryDeps, iso, MAX_QUEUE_DELAY_SECONDS } from "./deps";
import { deliverMessage, sendMessages } from "./messages";
import {
  buildRequest,
  isSuccess,
  type OutgoingRequest,
  openWebhook,
  type SendResult,
  sendRequest,
} from "./request";
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
export async function attemptDelivery(
  deps: DeliveryDeps,
  deliveryId: string,
): Promise<AttemptOutcome> {
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
  deps: DeliveryDeps,
  claimed: DeliveryRow,
  webhook: WebhookRow | undefined,
): Promise<SentAttempt> {
  const now = deps.now();
  const attempt = claimed.attemptCount + 1;
  const webhookEnabled = webhook?.enabled === true;
  const sent = !webhook
    ? notSent(now, "The webhook was deleted.")
    : !webhookEnabled
      ? notSent(now, `The webhook is disabled (${webhook.disabledReason}).`)
      : await send(deps, claimed, webhook, attempt, now);
  return {
    delivery: claimed,
    webhookEnabled,
    sent,
    outcome: judge(deps, sent, attempt, webhookEnabled),
  };
}

async function send(
  deps: DeliveryDeps,
  claimed: DeliveryRow,
  webhook: WebhookRow,
  attempt: number,
  now: number,
): Promise<SendResult> {
  let request: OutgoingRequest;
  try {
    const open = await openWebhook(webhook, deps.secretsKey, now);
    request = await buildRequest(
      open,
      {
        deliveryId: claimed.id,
        trigger: claimed.trigger,
        eventUid: claimed.eventUid,
        entityUid: claimed.entityUid,
        cause: claimed.cause,
        payload: claimed.payload,
        attempt,
      },
      Math.floor(now / 1000),
    );
  } catch (error) {
    // An undecryptable secret or header (SECRETS_KEY changed) is a failed attempt like any other:
    // logged and retried, never a delivery left claimed. The name only: a message could quote a header.
    return notSent(now, `The request could not be prepared (${(error as Error).name}).`);
  }
  return sendRequest(request, deps);
}

/** The result of an attempt that sent nothing. */
function notSent(now: number, error: string): SendResult {
  return {
    startedAt: iso(now),
    durationMs: 0,
    statusCode: null,
    error,
    responseExcerpt: null,
    retryAfter: null,
  };
}

/**
 * Records sent attempts (each attempt row, its delivery's new state, its webhook's health) in one
 * D1 batch, then queues the retries. A consumer that sends several deliveries of one trigger
 * records them together: one round trip instead of one per delivery.
 */
export async function recordAttempts(
  deps: DeliveryDeps,
  attempts: SentAttempt[],
): Promise<Array<SentAttempt["outcome"]>> {
  const [first, ...rest] = attempts.flatMap((attempt) => attemptStatements(deps, attempt));
  if (first) await deps.db.batch([first, ...rest]);
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
  deps: DeliveryDeps,
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

function attemptStatements(deps: DeliveryDeps, attempt: SentAttempt) {
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
