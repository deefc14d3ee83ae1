import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import { prepared } from "../prepared";
import { triggers } from "../schema";

export type TriggerRow = typeof triggers.$inferSelect;

/** Statement: the outbox row of a trigger, in the batch of the change that fired it. */
export function insertTrigger(db: Database, row: TriggerRow) {
  return db.insert(triggers).values(row);
}

export const triggerById = (db: Database) =>
  prepared(db, "triggerById", () =>
    db
      .select()
      .from(triggers)
      .where(eq(triggers.id, sql.placeholder("id")))
      .prepare(),
  );

/** Statement: the trigger has been fanned out into deliveries (or matched none). */
export function markTriggerProcessed(db: Database, id: string, at: string) {
  return db
    .update(triggers)
    .set({ status: "processed", processedAt: at })
    .where(and(eq(triggers.id, id), eq(triggers.status, "pending")));
}

/** The dead-letter end of a trigger that could not be processed. */
export function markTriggerFailed(db: Database, id: string, at: string) {
  return db
    .update(triggers)
    .set({ status: "failed", processedAt: at })
    .where(and(eq(triggers.id, id), eq(triggers.status, "pending")));
}

/** Outbox rows still pending that were written before `before` (their message was lost or failed). */
export function stalePendingTriggers(db: Database, before: string, limit: number) {
  return db
    .select({ id: triggers.id })
    .from(triggers)
    .where(and(eq(triggers.status, "pending"), lt(triggers.createdAt, before)))
    .orderBy(triggers.createdAt)
    .limit(limit);
}

/** Retention: finished triggers older than `before`. */
export function deleteFinishedTriggersBefore(db: Database, before: string) {
  return db
    .delete(triggers)
    .where(and(ne(triggers.status, "pending"), lt(triggers.createdAt, before)));
}
