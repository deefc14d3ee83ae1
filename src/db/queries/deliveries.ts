import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Database } from "../client";
import { inList } from "../in-list";
import { insertJsonRowsOnce, updateJsonRows } from "../insert-rows";
import { type PageWindow, pageQueries } from "../page";
import { prepared } from "../prepared";
import { deliveries, deliveryAttempts } from "../schema";

// The delivery log: every query here runs on DELIVERIES_DB (Deps.deliveriesDb) and touches only
// `deliveries` and `delivery_attempts`, so the log can live in a database of its own.

export type DeliveryRow = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;
export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;

/**
 * Statements: the deliveries, each unless one exists for its trigger and webhook (a consumer
 * batch's in one statement: rows as one JSON parameter).
 */
export const insertDeliveriesOnce = insertJsonRowsOnce(
  deliveries,
  Object.keys(getTableColumns(deliveries)) as (keyof DeliveryRow & string)[],
);

/** The account's delivery (a list of at most one row, to read alone or in a batch). */
export function deliveryOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.id, id), eq(deliveries.accountId, accountId)))
    .limit(1);
}

/** A webhook's latest attempts, newest first (what `webhook.disabled` reports). */
export function lastAttemptsOfWebhook(db: Database, webhookId: string, limit: number) {
  return db
    .select({
      delivery_id: deliveryAttempts.deliveryId,
      attempt: deliveryAttempts.attempt,
      started_at: deliveryAttempts.startedAt,
      status_code: deliveryAttempts.statusCode,
      error: deliveryAttempts.error,
    })
    .from(deliveryAttempts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
    .where(eq(deliveries.webhookId, webhookId))
    .orderBy(desc(deliveryAttempts.startedAt))
    .limit(limit);
}

/** An account's deliveries of one trigger, oldest first (the trigger log's detail). */
export function deliveriesOfTrigger(db: Database, accountId: string, triggerId: string) {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.triggerId, triggerId), eq(deliveries.accountId, accountId)))
    .orderBy(asc(deliveries.createdAt));
}

/** The webhooks that still have pending deliveries of a trigger (a redelivered trigger message). */
export function webhooksPendingForTrigger(db: Database, triggerId: string) {
  return db
    .selectDistinct({ webhookId: deliveries.webhookId })
    .from(deliveries)
    .where(and(eq(deliveries.triggerId, triggerId), eq(deliveries.status, "pending")));
}

/** What a `deliver` message needs to know: whether the delivery is pending, due, and whose. */
export function deliveryDue(db: Database, id: string) {
  return db
    .select({
      status: deliveries.status,
      webhookId: deliveries.webhookId,
      nextAttemptAt: deliveries.nextAttemptAt,
    })
    .from(deliveries)
    .where(eq(deliveries.id, id));
}

type ClaimTimes = { now: string; dueBy: string; lockUntil: string };

/** Due (by `dueBy`), pending, and not held by an attempt that is still within its lock. */
const claimable = (times: ClaimTimes, pending: SQL = eq(deliveries.status, "pending")) =>
  and(
    pending,
    lte(deliveries.nextAttemptAt, times.dueBy),
    or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, times.now)),
  );

/**
 * `claimable`, checked on rows found another way (by id): the unary `+` keeps SQLite from
 * finding the rows through the status index instead, which reads every pending delivery due by
 * then (the whole backlog, on each claim) to keep the few the ids name.
 */
const stillClaimable = (times: ClaimTimes) =>
  claimable(times, sql`+${deliveries.status} = 'pending'`);

/**
 * Claims a due, unlocked pending delivery for one attempt. `delivery` is undefined when someone
 * else holds it or it is not due; `dueAt` is then when a still pending delivery is due.
 */
export async function claimDelivery(db: Database, id: string, times: ClaimTimes) {
  const [claimed, current] = await db.batch([
    db
      .update(deliveries)
      .set({ lockedUntil: times.lockUntil })
      .where(and(eq(deliveries.id, id), claimable(times)))
      .returning(),
    db
      .select({ status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt })
      .from(deliveries)
      .where(eq(deliveries.id, id)),
  ]);
  const pending = current[0]?.status === "pending";
  return {
    delivery: claimed[0],
    dueAt: pending ? (current[0]?.nextAttemptAt ?? undefined) : undefined,
  };
}

/**
 * Claims up to `limit` due deliveries of one webhook in one statement (the endpoint scheduler's
 * pull), oldest change first. `ordered` (a `per_subject` webhook): a delivery is held while an
 * earlier change to the same attendee or event is still pending for this webhook. Prepared once
 * per isolate and shape: it runs for every few deliveries sent.
 */
export async function claimDueOfWebhook(
  db: Database,
  webhookId: string,
  options: ClaimTimes & { limit: number; ordered: boolean },
) {
  const { ordered, ...times } = options;
  const rows = await claimDueQuery(db, ordered).all({ webhookId, ...times });
  return rows.sort((a, b) => (a.changedAt < b.changedAt ? -1 : a.changedAt > b.changedAt ? 1 : 0));
}

const claimDueQuery = (db: Database, ordered: boolean) =>
  prepared(db, `claimDueOfWebhook:${ordered}`, () => {
    const times = {
      now: sql.placeholder("now"),
      dueBy: sql.placeholder("dueBy"),
      lockUntil: sql.placeholder("lockUntil"),
    } as unknown as ClaimTimes;
    const earlierPending = sql`NOT EXISTS (
      SELECT 1 FROM ${deliveries} AS earlier
      WHERE earlier.webhook_id = ${deliveries.webhookId}
        AND earlier.entity_uid = ${deliveries.entityUid}
        AND earlier.status = 'pending'
        AND (earlier.changed_at < ${deliveries.changedAt}
          OR (earlier.changed_at = ${deliveries.changedAt} AND earlier.id < ${deliveries.id})))`;
    const due = db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.webhookId, sql.placeholder("webhookId")),
          claimable(times),
          ordered ? earlierPending : undefined,
        ),
      )
      .orderBy(ordered ? asc(deliveries.changedAt) : asc(deliveries.nextAttemptAt))
      .limit(sql.placeholder("limit"));
    return db
      .update(deliveries)
      .set({ lockedUntil: sql`${sql.placeholder("lockUntil")}` })
      .where(and(inArray(deliveries.id, due), stillClaimable(times)))
      .returning()
      .prepare();
  });

/** Statement: attempts' rows, any number in one (the attempts an endpoint records together). */
export const insertAttempts = insertJsonRowsOnce(deliveryAttempts, [
  "id",
  "deliveryId",
  "attempt",
  "startedAt",
  "durationMs",
  "statusCode",
  "error",
  "responseExcerpt",
]);

/** Statement: deliveries after their attempts, their claims released, any number in one. */
export const finishAttempts = updateJsonRows(
  deliveries,
  "id",
  ["status", "attemptCount", "nextAttemptAt", "updatedAt"],
  { also: `"locked_until" = NULL` },
);

/**
 * Statement: the attempt of a delivery inserted earlier in the same batch, only if that insert
 * made it (`insertDeliveriesOnce` skips a delivery when another consumer's delivery got there first).
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

/** Webhooks with pending deliveries due before `before` and not locked: wake their endpoints. */
export function webhooksWithOverdue(db: Database, before: string, now: string, limit: number) {
  return db
    .selectDistinct({ webhookId: deliveries.webhookId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, "pending"),
        lt(deliveries.nextAttemptAt, before),
        or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now)),
      ),
    )
    .limit(limit);
}

/**
 * The dead-letter end of a delivery (two statements, one batch): it ends `failed`, with an attempt
 * row saying why, only when nothing newer is in flight for it: still pending, not held by an
 * attempt, and unchanged since the dead-lettered message was sent (a later attempt, redelivery or
 * sweep queued its own message, which wins).
 */
export function buryDelivery(
  db: Database,
  id: string,
  end: { attemptId: string; sentAt: string; at: string; error: string },
) {
  const untouched = sql`${deliveries.id} = ${id} AND ${deliveries.status} = 'pending'
    AND (${deliveries.lockedUntil} IS NULL OR ${deliveries.lockedUntil} < ${end.at})
    AND ${deliveries.updatedAt} <= ${end.sentAt}`;
  return [
    // First, so it reads the attempt count before the update below moves it.
    db.insert(deliveryAttempts).select(
      db
        .select({
          id: sql<string>`${end.attemptId}`.as("id"),
          deliveryId: deliveries.id,
          attempt: sql<number>`${deliveries.attemptCount} + 1`.as("attempt"),
          startedAt: sql<string>`${end.at}`.as("started_at"),
          durationMs: sql<number>`0`.as("duration_ms"),
          statusCode: sql<null>`NULL`.as("status_code"),
          error: sql<string>`${end.error}`.as("error"),
          responseExcerpt: sql<null>`NULL`.as("response_excerpt"),
        })
        .from(deliveries)
        .where(untouched),
    ),
    db
      .update(deliveries)
      .set({
        status: "failed",
        attemptCount: sql`${deliveries.attemptCount} + 1`,
        nextAttemptAt: null,
        lockedUntil: null,
        updatedAt: end.at,
      })
      .where(untouched)
      .returning({ id: deliveries.id }),
  ] as const;
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
