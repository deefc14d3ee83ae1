import type { Database } from "../db/client";
import { triggers } from "../db/schema";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import type { Trigger } from "../lib/types";
import { sendMessages, triggerMessage } from "./messages";

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

/**
 * The outbox row of a trigger: put the returned statement in the same `db.batch` as the change,
 * then call `enqueueTriggers` with the id once the batch succeeded.
 */
export function recordTrigger(db: Database, input: TriggerInput) {
  const id = newId("trg");
  const statement = db.insert(triggers).values({
    id,
    accountId: input.accountId,
    trigger: input.trigger,
    profileId: input.profileId,
    eventId: input.eventId,
    entityUid: input.entityUid,
    snapshot: input.snapshot,
    webhookId: input.webhookId ?? null,
    cause: input.cause ?? null,
    status: "pending",
    createdAt: nowIso(),
  });
  return { id, statement };
}

/**
 * Puts recorded triggers on the queue. A failure here loses nothing: the cron re-sends
 * outbox rows not processed within a minute, so the API answer does not wait on it failing.
 */
export async function enqueueTriggers(queue: Queue, triggerIds: string[]): Promise<void> {
  if (triggerIds.length === 0) return;
  try {
    await sendMessages(queue, triggerIds.map(triggerMessage));
  } catch (error) {
    console.error(`queue send failed; the outbox sweeper will retry: ${(error as Error).name}`);
  }
}
