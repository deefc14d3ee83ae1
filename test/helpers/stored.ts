import { env } from "cloudflare:workers";
import { and, eq, sql } from "drizzle-orm";
import { createDb, createDeliveriesDb } from "../../src/db/client";
import { deliveries, deliveryAttempts, triggers, webhooks } from "../../src/db/schema";
import type { Trigger } from "../../src/lib/types";
import { waitFor } from "./receiver";

/**
 * Stored delivery rows, read to assert on what the API does not show: a trigger's status, a
 * delivery's claim, a webhook's failing clock. Tests build them through the API, never by hand.
 */

const db = createDb(env.DB);
const log = createDeliveriesDb(env.DELIVERIES_DB);

/** The triggers recorded for an event or attendee (only `trigger`s, if given), oldest first. */
export function triggersOf(entityUid: string, trigger?: Trigger) {
  return db
    .select()
    .from(triggers)
    .where(
      and(eq(triggers.entityUid, entityUid), trigger ? eq(triggers.trigger, trigger) : undefined),
    )
    .orderBy(triggers.createdAt, sql`rowid`);
}

/** The trigger a change recorded: the latest `trigger` of that event or attendee. */
export async function triggerOf(entityUid: string, trigger: Trigger) {
  const row = (await triggersOf(entityUid, trigger)).at(-1);
  if (!row) throw new Error(`no ${trigger} trigger recorded for ${entityUid}`);
  return row;
}

export function triggerRow(id: string) {
  return db.select().from(triggers).where(eq(triggers.id, id)).get();
}

export function deliveriesOf(triggerId: string) {
  return log.select().from(deliveries).where(eq(deliveries.triggerId, triggerId));
}

export function deliveryRow(id: string) {
  return log.select().from(deliveries).where(eq(deliveries.id, id)).get();
}

export function attemptsOf(deliveryId: string) {
  return log
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(deliveryAttempts.attempt);
}

export function webhookRow(id: string) {
  return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

/** Waits until the consumer has handled the trigger (fanned out, or dead-lettered). */
export function handled(triggerId: string) {
  return waitFor(
    async () => {
      const row = await triggerRow(triggerId);
      return row && row.status !== "pending" ? row : undefined;
    },
    15_000,
    `trigger ${triggerId} handled`,
  );
}

/** Waits until the trigger's deliveries exist and all are delivered; returns them. */
export function allDelivered(triggerId: string) {
  return waitFor(
    async () => {
      const rows = await deliveriesOf(triggerId);
      return rows.length > 0 && rows.every((row) => row.status === "delivered") ? rows : undefined;
    },
    15_000,
    `deliveries of ${triggerId} delivered`,
  );
}

/**
 * Waits until nothing of the account is left for the consumer: every trigger handled, every
 * delivery finished or waiting for a retry later than `withinMs` from now. A file that leaves
 * queue work running when it ends has it log into a closed test run (vitest reports that as an
 * error).
 */
export function accountSettled(accountId: string, withinMs = 5_000): Promise<unknown> {
  return waitFor(
    async () => {
      const soon = new Date(Date.now() + withinMs).toISOString();
      const pendingTriggers = await db
        .select({ id: triggers.id })
        .from(triggers)
        .where(and(eq(triggers.accountId, accountId), eq(triggers.status, "pending")))
        .limit(1);
      const dueDeliveries = await log
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.accountId, accountId),
            eq(deliveries.status, "pending"),
            sql`coalesce(${deliveries.nextAttemptAt}, '') < ${soon}`,
          ),
        )
        .limit(1);
      return pendingTriggers.length === 0 && dueDeliveries.length === 0 ? true : undefined;
    },
    30_000,
    `account ${accountId} settled`,
  ).then(() => new Promise((resolve) => setTimeout(resolve, LOG_LINE_GRACE_MS)));
}

/** The consumer logs a delivery after it records it: time for that last line. */
const LOG_LINE_GRACE_MS = 250;
