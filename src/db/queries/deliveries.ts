import { and, asc, eq, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { inList } from "../in-list";
import { type PageWindow, pageQueries } from "../page";
import { deliveries, deliveryAttempts, webhooks } from "../schema";

export type DeliveryRow = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;
export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;

/** Statement: the delivery unless one exists for its trigger and webhook; returns the new id. */
export function insertDeliveryOnce(db: Database, row: NewDelivery) {
  return db.insert(deliveries).values(row).onConflictDoNothing().returning({ id: deliveries.id });
}

/** The account's delivery (a list of at most one row, to read alone or in a batch). */
export function deliveryOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.id, id), eq(deliveries.accountId, accountId)))
    .limit(1);
}

/** The webhook of the account's delivery (none when it was deleted). */
export function webhookOfDelivery(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(webhooks)
    .where(
      and(
        eq(webhooks.accountId, accountId),
        eq(
          webhooks.id,
          db.select({ id: deliveries.webhookId }).from(deliveries).where(eq(deliveries.id, id)),
        ),
      ),
    );
}

export function pendingDeliveriesOfTrigger(db: Database, triggerId: string) {
  return db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.triggerId, triggerId), eq(deliveries.status, "pending")));
}

/**
 * Claims a due, unlocked pending delivery for one attempt, and reads its webhook in the same
 * round trip. `delivery` is undefined when someone else holds it or it is not due; `dueAt` is
 * then when a still pending delivery is due.
 */
export async function claimDelivery(
  db: Database,
  id: string,
  times: { now: string; dueBy: string; lockUntil: string },
) {
  const [claimed, webhook, current] = await db.batch([
    db
      .update(deliveries)
      .set({ lockedUntil: times.lockUntil })
      .where(
        and(
          eq(deliveries.id, id),
          eq(deliveries.status, "pending"),
          lte(deliveries.nextAttemptAt, times.dueBy),
          or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, times.now)),
        ),
      )
      .returning(),
    db
      .select()
      .from(webhooks)
      .where(
        eq(
          webhooks.id,
          db.select({ id: deliveries.webhookId }).from(deliveries).where(eq(deliveries.id, id)),
        ),
      ),
    db
      .select({ status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt })
      .from(deliveries)
      .where(eq(deliveries.id, id)),
  ]);
  const pending = current[0]?.status === "pending";
  return {
    delivery: claimed[0],
    webhook: webhook[0],
    dueAt: pending ? (current[0]?.nextAttemptAt ?? undefined) : undefined,
  };
}

export function insertAttempt(db: Database, row: typeof deliveryAttempts.$inferInsert) {
  return db.insert(deliveryAttempts).values(row).onConflictDoNothing();
}

/**
 * Statement: the attempt of a delivery inserted earlier in the same batch, only if that insert
 * made it (`insertDeliveryOnce` does nothing when another consumer's delivery got there first).
 */
export function insertAttemptOfNewDelivery(db: Database, row: DeliveryAttemptRow) {
  // Every column of the table, in its order, as a literal of the select.
  const literal = (value: string | number | null, name: string) => sql`${value}`.as(name);
  return db.insert(deliveryAttempts).select(
    db
      .select({
        id: literal(row.id, "id"),
        deliveryId: literal(row.deliveryId, "delivery_id"),
        attempt: literal(row.attempt, "attempt"),
        startedAt: literal(row.startedAt, "started_at"),
        durationMs: literal(row.durationMs, "duration_ms"),
        statusCode: literal(row.statusCode, "status_code"),
        error: literal(row.error, "error"),
        responseExcerpt: literal(row.responseExcerpt, "response_excerpt"),
      })
      .from(deliveries)
      .where(eq(deliveries.id, row.deliveryId)),
  );
}

/** Statement: the delivery after an attempt (lock released). */
export function finishAttempt(
  db: Database,
  id: string,
  update: {
    status: DeliveryRow["status"];
    attemptCount: number;
    nextAttemptAt: string | null;
    updatedAt: string;
  },
) {
  return db
    .update(deliveries)
    .set({ ...update, lockedUntil: null })
    .where(eq(deliveries.id, id));
}

export function attemptsOf(db: Database, deliveryId: string) {
  return db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(deliveryAttempts.attempt));
}

export type DeliveryFilters = {
  accountId: string;
  integrationId: string;
  webhookId?: string;
  status?: DeliveryRow["status"];
  trigger?: string;
  since?: string;
  updatedSince?: string;
};

function filterWhere(filters: DeliveryFilters) {
  return and(
    eq(deliveries.accountId, filters.accountId),
    eq(deliveries.integrationId, filters.integrationId),
    filters.webhookId ? eq(deliveries.webhookId, filters.webhookId) : undefined,
    filters.status ? eq(deliveries.status, filters.status) : undefined,
    filters.trigger ? eq(deliveries.trigger, filters.trigger) : undefined,
    filters.since ? gte(deliveries.createdAt, filters.since) : undefined,
    filters.updatedSince ? gte(deliveries.updatedAt, filters.updatedSince) : undefined,
  );
}

/** One page of an integration's deliveries, oldest first, with the total. */
/** The queries of one page of an integration's deliveries, oldest first, with the total. */
export function deliveryPageQueries(db: Database, filters: DeliveryFilters, page: PageWindow) {
  return pageQueries(db, deliveries, filterWhere(filters), page);
}

/**
 * Failed deliveries of one webhook created at or after `since`, except those whose template
 * failed at fan-out (an empty payload: nothing to send again).
 */
export function failedDeliveriesSince(db: Database, webhookId: string, since: string) {
  return db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.webhookId, webhookId),
        eq(deliveries.status, "failed"),
        gte(deliveries.createdAt, since),
        ne(deliveries.payload, ""),
      ),
    )
    .orderBy(asc(deliveries.createdAt));
}

/** Statement: puts finished deliveries back to pending, due at `at`, with their attempts kept. */
export function requeueDeliveries(db: Database, ids: string[], at: string) {
  return db
    .update(deliveries)
    .set({ status: "pending", nextAttemptAt: at, lockedUntil: null, updatedAt: at })
    .where(and(inList(deliveries.id, ids), sql`${deliveries.status} != 'pending'`));
}

/** Pending deliveries due before `before` and not locked: their queue message was lost. */
export function overduePendingDeliveries(db: Database, before: string, now: string, limit: number) {
  return db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, "pending"),
        lt(deliveries.nextAttemptAt, before),
        or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now)),
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(limit);
}

/** The dead-letter end of a delivery whose messages kept failing. */
export function markDeliveryFailed(db: Database, id: string, at: string) {
  return db
    .update(deliveries)
    .set({ status: "failed", nextAttemptAt: null, lockedUntil: null, updatedAt: at })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "pending")));
}

/** Retention: deliveries created before `before`, with their attempts (two statements, one batch). */
export function deleteDeliveriesBefore(db: Database, before: string) {
  return [
    db
      .delete(deliveryAttempts)
      .where(
        inArray(
          deliveryAttempts.deliveryId,
          db.select({ id: deliveries.id }).from(deliveries).where(lt(deliveries.createdAt, before)),
        ),
      ),
    db.delete(deliveries).where(lt(deliveries.createdAt, before)),
  ] as const;
}
