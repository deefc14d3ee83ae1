import { runBatch, type Statement } from "../db/batch";
import { insertTrigger } from "../db/queries/triggers";
import type { Deps } from "../deps";
import { newId } from "../lib/ids";
import { errorName } from "../lib/log";
import { iso } from "../lib/time";
import type { Trigger } from "../lib/types";
import { deliverMessage, type OutgoingMessage, sendMessages, triggerMessage } from "./messages";

/**
 * The outbox (API.md §6: a trigger accepted by the API is never lost). A change and the triggers
 * it fires are written in one D1 batch; the queue messages go after the response. If a send
 * fails, the cron's sweeper re-sends every trigger still pending after a minute.
 */

export type TriggerInput = {
  accountId: string;
  trigger: Trigger;
  profileId: string;
  eventId: string;
  entityUid: string;
  /** The native API representation of the event or attendee (for `*.delete`, the last state). */
  snapshot: Record<string, unknown>;
  webhookId?: string;
  cause?: string;
};

/** The outbox row of a trigger, to insert in the batch of its change. */
export function triggerRow(deps: Deps, input: TriggerInput) {
  return {
    id: newId("trg"),
    accountId: input.accountId,
    trigger: input.trigger,
    profileId: input.profileId,
    eventId: input.eventId,
    entityUid: input.entityUid,
    snapshot: input.snapshot,
    webhookId: input.webhookId ?? null,
    cause: input.cause ?? null,
    status: "pending" as const,
    createdAt: iso(deps.now()),
    processedAt: null,
    resentAt: null,
    resendCount: 0,
    error: null,
  };
}

/**
 * Commits `statements` and the triggers they fire in one batch (the triggers after the
 * statements, so results keep their positions), then queues the triggers without waiting.
 */
export async function commitChange(
  deps: Deps,
  statements: readonly Statement[],
  triggers: readonly TriggerInput[],
): Promise<{ results: unknown[]; triggerIds: string[] }> {
  const rows = triggers.map((trigger) => triggerRow(deps, trigger));
  const results = await runBatch(deps.db, [
    ...statements,
    ...rows.map((row) => insertTrigger(deps.db, row)),
  ]);
  queueAfterResponse(
    deps,
    rows.map((row) => triggerMessage(row.id)),
  );
  return { results, triggerIds: rows.map((row) => row.id) };
}

/** Queues deliveries already stored as pending (redeliver, recover, manual actions). */
export function queueDeliveries(deps: Deps, deliveryIds: readonly string[]): void {
  queueAfterResponse(
    deps,
    deliveryIds.map((id) => deliverMessage(id)),
  );
}

/** A failed send loses nothing (the sweeper re-sends what is pending), so nobody waits on it. */
function queueAfterResponse(deps: Deps, messages: OutgoingMessage[]): void {
  if (messages.length === 0) return;
  deps.waitUntil(
    sendMessages(deps.queue, messages).catch((error) =>
      deps.log.warn("queue send failed; the outbox sweeper will re-send", {
        error: errorName(error),
        messages: messages.length,
      }),
    ),
  );
}
