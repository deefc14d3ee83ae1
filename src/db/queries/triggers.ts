import {
  and,
  eq,
  getTableColumns,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  notInArray,
  or,
  sql,
} from "drizzle-orm";
import { OPERATIONAL_EVENTS } from "../../lib/types";
import type { Database } from "../client";
import { insertJsonRowsOnce, updateJsonRows } from "../insert-rows";
import { type PageWindow, pageQueries } from "../page";
import { placeholdersOf, prepared, preparedWrite } from "../prepared";
import { triggers } from "../schema";

export type TriggerRow = typeof triggers.$inferSelect;

/** Statement: the outbox row of a trigger, in the batch of the change that fired it. */
export function insertTrigger(db: Database, row: TriggerRow) {
  // Every change writes one: prepared (db/prepared.ts); an insert's placeholders take the
  // column's encoding (the snapshot's JSON).
  const query = prepared(db, "insertTrigger", () =>
    db.insert(triggers).values(placeholdersOf(triggers)).prepare(),
  );
  return preparedWrite(db, query, row);
}

/** Statements: many triggers' outbox rows (a manual action on a selection), as one JSON parameter. */
export const insertTriggers = insertJsonRowsOnce(
  triggers,
  Object.keys(getTableColumns(triggers)) as (keyof TriggerRow & string)[],
);

export const triggerById = (db: Database) =>
  prepared(db, "triggerById", () =>
    db
      .select()
      .from(triggers)
      .where(eq(triggers.id, sql.placeholder("id")))
      .prepare(),
  );

/**
 * The same subject's changes recorded before this trigger and still pending (their message lost or
 * late), oldest first: fan-out handles them first, so a later change never overtakes them.
 */
export const earlierPendingOfSubject = (db: Database) =>
  prepared(db, "earlierPendingOfSubject", () => {
    const self = (column: "entityUid" | "createdAt") =>
      db
        .select({ value: triggers[column] })
        .from(triggers)
        .where(eq(triggers.id, sql.placeholder("id")));
    return db
      .select({ id: triggers.id })
      .from(triggers)
      .where(
        and(
          eq(triggers.entityUid, self("entityUid")),
          eq(triggers.status, "pending"),
          lt(triggers.createdAt, self("createdAt")),
        ),
      )
      .orderBy(triggers.createdAt)
      .limit(EARLIER_LIMIT)
      .prepare();
  });

/** Earlier pending changes of one subject handled before a trigger (more wait for the sweeper). */
const EARLIER_LIMIT = 10;

/** What fan-out made of a trigger: its outcome and how many deliveries it created. */
export type FannedOut = { id: string; outcome: string; deliveryCount: number };

/**
 * Statements: these triggers have been fanned out (a consumer batch's, in one statement), each
 * with its outcome and count; a trigger no longer pending is left as it is.
 */
export function markTriggersProcessed(done: readonly FannedOut[], at: string) {
  return markProcessed(
    done.map(({ id, outcome, deliveryCount }) => ({
      id,
      status: "processed" as const,
      processedAt: at,
      outcome,
      deliveryCount,
    })),
  );
}

const markProcessed = updateJsonRows(
  triggers,
  "id",
  ["status", "processedAt", "outcome", "deliveryCount"],
  // `+`: the status is checked on the rows found by id, never used to find them (updateJsonRows).
  { where: `+"triggers"."status" = 'pending'` },
);

/**
 * The trigger log lists the changes to events and attendees; the outbox also carries the
 * account's operational notifications (domain/operational.ts), which it leaves out.
 */
const EVENT_TRIGGERS = notInArray(triggers.trigger, [...OPERATIONAL_EVENTS]);

export type TriggerFilters = {
  accountId: string;
  eventId?: string;
  subjectUid?: string;
  trigger?: string;
  outcome?: string;
  since?: string;
};

/** The queries of one page of an account's trigger log, oldest first, with the total. */
export function triggerPageQueries(db: Database, filters: TriggerFilters, page: PageWindow) {
  const where = and(
    eq(triggers.accountId, filters.accountId),
    EVENT_TRIGGERS,
    filters.eventId ? eq(triggers.eventId, filters.eventId) : undefined,
    filters.subjectUid ? eq(triggers.entityUid, filters.subjectUid) : undefined,
    filters.trigger ? eq(triggers.trigger, filters.trigger) : undefined,
    filters.outcome ? eq(triggers.outcome, filters.outcome) : undefined,
    filters.since ? gte(triggers.createdAt, filters.since) : undefined,
  );
  return pageQueries(db, triggers, where, page);
}

/** An account's trigger. */
export function triggerOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(triggers)
    .where(and(eq(triggers.id, id), eq(triggers.accountId, accountId), EVENT_TRIGGERS));
}

/**
 * The dead-letter end of a trigger: `failed` with `error`, only when nothing newer is in flight
 * for it (still pending, and not re-sent by the sweeper since the dead-lettered message was sent:
 * that newer message wins). Returns the id when it ended.
 */
export function buryTrigger(
  db: Database,
  id: string,
  end: { sentAt: string; at: string; error: string },
) {
  return db
    .update(triggers)
    .set({ status: "failed", processedAt: end.at, error: end.error })
    .where(
      and(
        eq(triggers.id, id),
        eq(triggers.status, "pending"),
        or(isNull(triggers.resentAt), lte(triggers.resentAt, end.sentAt)),
      ),
    )
    .returning({ id: triggers.id });
}

/** Re-sends of one trigger before the sweeper gives up on it (a poison message: README). */
export const MAX_RESENDS = 10;

/**
 * Claims up to `limit` pending triggers whose message was lost, for the sweeper to re-send:
 * written before `before`, and not re-sent since `resentBefore` (a re-sent message may still be
 * in the queue's retries). Marks them re-sent in the same statement; returns their ids.
 */
export function claimStaleTriggers(
  db: Database,
  times: { before: string; resentBefore: string; at: string },
  limit: number,
) {
  const stale = db
    .select({ id: triggers.id })
    .from(triggers)
    .where(
      and(
        eq(triggers.status, "pending"),
        lt(triggers.createdAt, times.before),
        or(isNull(triggers.resentAt), lt(triggers.resentAt, times.resentBefore)),
        lt(triggers.resendCount, MAX_RESENDS),
      ),
    )
    .orderBy(triggers.createdAt)
    .limit(limit);
  return db
    .update(triggers)
    .set({ resentAt: times.at, resendCount: sql`${triggers.resendCount} + 1` })
    .where(inArray(triggers.id, stale))
    .returning({ id: triggers.id });
}

/** Triggers re-sent MAX_RESENDS times and still pending end `failed`, saying so. */
export function failTriggersResentTooOften(db: Database, resentBefore: string, at: string) {
  return db
    .update(triggers)
    .set({
      status: "failed",
      processedAt: at,
      error: `Re-sent ${MAX_RESENDS} times by the outbox sweeper and never processed.`,
    })
    .where(
      and(
        eq(triggers.status, "pending"),
        gte(triggers.resendCount, MAX_RESENDS),
        lt(triggers.resentAt, resentBefore),
      ),
    );
}

/**
 * Retention: finished triggers older than `before`. The finished statuses are named (not
 * `!= 'pending'`) so that SQLite searches triggers_status_idx instead of reading every trigger
 * each minute (docs/SCALE.md).
 */
export function deleteFinishedTriggersBefore(db: Database, before: string) {
  return db
    .delete(triggers)
    .where(and(inArray(triggers.status, ["processed", "failed"]), lt(triggers.createdAt, before)));
}
