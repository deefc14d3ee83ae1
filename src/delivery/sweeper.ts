import { deleteDeliveriesBefore, webhooksWithOverdue } from "../db/queries/deliveries";
import { deleteIdempotencyKeysBefore, IDEMPOTENCY_WINDOW_SECONDS } from "../db/queries/idempotency";
import { deleteOrphanOverridesBefore } from "../db/queries/overrides";
import {
  claimStaleTriggers,
  deleteFinishedTriggersBefore,
  failTriggersResentTooOften,
} from "../db/queries/triggers";
import type { Deps } from "../deps";
import { iso } from "../lib/time";
import { wakeEndpoints } from "./endpoint";
import { sendMessages, triggerMessage } from "./messages";

/** A trigger or due delivery untouched this long has lost its queue message. */
export const SWEEP_AFTER_SECONDS = 60;
/**
 * A re-sent trigger is not re-sent again for this long: longer than the queue's own retries of one
 * message (10, backing off 2 s to 5 min: about 13 minutes), so the sweeper and the queue's retries
 * do not pile copies of one message on each other.
 */
export const RESEND_AFTER_SECONDS = 15 * 60;
/** Deliveries, their attempts and finished triggers are kept this long (§6). */
export const RETENTION_SECONDS = 30 * 24 * 3600;
/** Triggers claimed and re-sent per round trip. */
const SWEEP_PAGE = 500;
/** How long one run keeps re-sending (of the cron's wall time), before retention's turn. */
export const SWEEP_BUDGET_MS = 20_000;
/**
 * Re-sent messages a second at most: under a queue's throughput limit (5,000 a second per queue on
 * Cloudflare), leaving room for the changes of the moment; 10,000 take five seconds.
 */
export const SWEEP_MESSAGES_PER_SECOND = 2_000;
/** Endpoints woken per run (each drains all of its own due deliveries). */
const WAKE_LIMIT = 1000;

export type SweepResult = { triggers: number; endpoints: number };

/**
 * The safety net. Re-sends the messages of triggers still pending after a minute, in pages, at
 * most SWEEP_MESSAGES_PER_SECOND, for as long as its time budget lasts (a backlog of 10,000 drains
 * in one run, not 100 a minute), and
 * wakes the endpoints that have deliveries more than a minute past due and not held by an attempt.
 * Then deletes what outlived retention.
 */
export async function sweep(deps: Deps): Promise<SweepResult> {
  const { db, deliveriesDb } = deps;
  const now = deps.now();
  const at = iso(now);
  const before = iso(now - SWEEP_AFTER_SECONDS * 1000);
  const resentBefore = iso(now - RESEND_AFTER_SECONDS * 1000);
  const started = Date.now();
  const [overdue] = await Promise.all([
    webhooksWithOverdue(deliveriesDb, before, at, WAKE_LIMIT),
    failTriggersResentTooOften(db, resentBefore, at),
  ]);
  const woken = wakeEndpoints(
    deps,
    overdue.map((row) => row.webhookId),
  );
  let triggers = 0;
  while (Date.now() - started < SWEEP_BUDGET_MS) {
    const pageStarted = Date.now();
    const page = await claimStaleTriggers(db, { before, resentBefore, at }, SWEEP_PAGE);
    // A send that fails leaves the page marked: the next run after RESEND_AFTER tries again.
    await sendMessages(
      deps.queue,
      page.map(({ id }) => triggerMessage(id)),
    );
    triggers += page.length;
    if (page.length < SWEEP_PAGE) break;
    const pause = (page.length * 1000) / SWEEP_MESSAGES_PER_SECOND - (Date.now() - pageStarted);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  await woken;

  const expired = iso(now - RETENTION_SECONDS * 1000);
  await Promise.all([
    deliveriesDb.batch(deleteDeliveriesBefore(deliveriesDb, expired)),
    db.batch([
      deleteFinishedTriggersBefore(db, expired),
      deleteOrphanOverridesBefore(db, expired),
      deleteIdempotencyKeysBefore(db, iso(now - IDEMPOTENCY_WINDOW_SECONDS * 1000)),
    ]),
  ]);
  return { triggers, endpoints: overdue.length };
}
