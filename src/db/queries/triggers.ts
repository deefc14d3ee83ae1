import { and, eq, lt, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import { batchPrepared, prepared } from "../prepared";
import { accounts, eventOverrides, integrations, profiles, triggers, webhooks } from "../schema";

export type TriggerRow = typeof triggers.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type EventOverrideRow = typeof eventOverrides.$inferSelect;

/**
 * A trigger with what routes it (its account, profile and event override), in one round trip:
 * the consumer needs both for every trigger.
 */
export async function findTriggerWithContext(db: Database, id: string) {
  const [found, account, profile, override] = await batchPrepared(db, [
    [triggerById(db), { id }],
    [accountOfTrigger(db), { id }],
    [profileOfTrigger(db), { id }],
    [overrideOfTrigger(db), { id }],
  ]);
  const trigger = found[0];
  return (
    trigger && {
      trigger,
      context: { account: account[0], profile: profile[0], override: override[0] },
    }
  );
}

const columnOfTrigger = (db: Database, name: "accountId" | "profileId" | "eventId") =>
  db
    .select({ value: triggers[name] })
    .from(triggers)
    .where(eq(triggers.id, sql.placeholder("id")));

const triggerById = (db: Database) =>
  prepared(db, "triggerById", () =>
    db
      .select()
      .from(triggers)
      .where(eq(triggers.id, sql.placeholder("id")))
      .prepare(),
  );

const accountOfTrigger = (db: Database) =>
  prepared(db, "accountOfTrigger", () =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.id, columnOfTrigger(db, "accountId")))
      .prepare(),
  );

const profileOfTrigger = (db: Database) =>
  prepared(db, "profileOfTrigger", () =>
    db
      .select()
      .from(profiles)
      .where(
        and(
          eq(profiles.id, columnOfTrigger(db, "profileId")),
          eq(profiles.accountId, columnOfTrigger(db, "accountId")),
        ),
      )
      .prepare(),
  );

const overrideOfTrigger = (db: Database) =>
  prepared(db, "overrideOfTrigger", () =>
    db
      .select()
      .from(eventOverrides)
      .where(eq(eventOverrides.eventId, columnOfTrigger(db, "eventId")))
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

export type RoutingContext = Awaited<ReturnType<typeof routingContext>>;

/** What decides which integration a trigger of this event goes to, and how guests are mapped. */
export async function routingContext(
  db: Database,
  input: { accountId: string; profileId: string; eventId: string },
) {
  const [account, profile, override] = await batchPrepared(db, [
    [accountById(db), input],
    [profileOfAccount(db), input],
    [overrideOfEvent(db), input],
  ]);
  return { account: account[0], profile: profile[0], override: override[0] };
}

const accountById = (db: Database) =>
  prepared(db, "accountById", () =>
    db
      .select()
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder("accountId")))
      .prepare(),
  );

const profileOfAccount = (db: Database) =>
  prepared(db, "profileOfAccount", () =>
    db
      .select()
      .from(profiles)
      .where(
        and(
          eq(profiles.id, sql.placeholder("profileId")),
          eq(profiles.accountId, sql.placeholder("accountId")),
        ),
      )
      .prepare(),
  );

const overrideOfEvent = (db: Database) =>
  prepared(db, "overrideOfEvent", () =>
    db
      .select()
      .from(eventOverrides)
      .where(eq(eventOverrides.eventId, sql.placeholder("eventId")))
      .prepare(),
  );

/** The account's integration and its enabled webhooks for one trigger, in one round trip. */
export async function integrationWithWebhooks(
  db: Database,
  input: { accountId: string; integrationId: string; trigger: string },
) {
  const [found, hooks] = await batchPrepared(db, [
    [integrationOfAccount(db), input],
    [enabledWebhooksFor(db), input],
  ]);
  return { integration: found[0], webhooks: hooks };
}

const integrationOfAccount = (db: Database) =>
  prepared(db, "integrationOfAccount", () =>
    db
      .select()
      .from(integrations)
      .where(
        and(
          eq(integrations.id, sql.placeholder("integrationId")),
          eq(integrations.accountId, sql.placeholder("accountId")),
        ),
      )
      .prepare(),
  );

const enabledWebhooksFor = (db: Database) =>
  prepared(db, "enabledWebhooksFor", () =>
    db
      .select()
      .from(webhooks)
      .where(
        and(
          eq(webhooks.integrationId, sql.placeholder("integrationId")),
          eq(webhooks.trigger, sql.placeholder("trigger")),
          eq(webhooks.enabled, true),
        ),
      )
      .orderBy(webhooks.createdAt)
      .prepare(),
  );

export function findWebhook(db: Database, id: string) {
  return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}
