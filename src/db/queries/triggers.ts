import { and, eq, lt, ne, type Placeholder, type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "../client";
import { batchPrepared, prepared } from "../prepared";
import { accounts, eventOverrides, integrations, profiles, triggers, webhooks } from "../schema";

export type TriggerRow = typeof triggers.$inferSelect;

/**
 * A trigger with what routes it (its account, profile and event override), in one round trip:
 * the consumer needs both for every trigger.
 */
export async function findTriggerWithContext(db: Database, id: string) {
  const routing = routingOfTrigger(db);
  const [found, account, profile, override] = await batchPrepared(db, [
    [triggerById(db), { id }],
    [routing.account, { id }],
    [routing.profile, { id }],
    [routing.override, { id }],
  ]);
  const trigger = found[0];
  return (
    trigger && {
      trigger,
      context: { account: account[0], profile: profile[0], override: override[0] },
    }
  );
}

const triggerById = (db: Database) =>
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

export type RoutingContext = Awaited<ReturnType<typeof routingContext>>;

/** What decides which integration a trigger of this event goes to, and how guests are mapped. */
export async function routingContext(
  db: Database,
  input: { accountId: string; profileId: string; eventId: string },
) {
  const routing = routingByIds(db);
  const [account, profile, override] = await batchPrepared(db, [
    [routing.account, input],
    [routing.profile, input],
    [routing.override, input],
  ]);
  return { account: account[0], profile: profile[0], override: override[0] };
}

type RoutingKeys = Record<"accountId" | "profileId" | "eventId", SQLWrapper | Placeholder>;

/** The routing context's queries, given where the account, profile and event ids come from. */
function routingQueries(db: Database, by: RoutingKeys) {
  return {
    account: db.select().from(accounts).where(eq(accounts.id, by.accountId)).prepare(),
    profile: db
      .select()
      .from(profiles)
      .where(and(eq(profiles.id, by.profileId), eq(profiles.accountId, by.accountId)))
      .prepare(),
    override: db
      .select()
      .from(eventOverrides)
      .where(eq(eventOverrides.eventId, by.eventId))
      .prepare(),
  };
}

const routingByIds = (db: Database) =>
  prepared(db, "routingByIds", () =>
    routingQueries(db, {
      accountId: sql.placeholder("accountId"),
      profileId: sql.placeholder("profileId"),
      eventId: sql.placeholder("eventId"),
    }),
  );

/** The same, read through the trigger `id` (one round trip with the trigger itself). */
const routingOfTrigger = (db: Database) =>
  prepared(db, "routingOfTrigger", () => {
    const column = (name: keyof RoutingKeys) =>
      db
        .select({ value: triggers[name] })
        .from(triggers)
        .where(eq(triggers.id, sql.placeholder("id")));
    return routingQueries(db, {
      accountId: column("accountId"),
      profileId: column("profileId"),
      eventId: column("eventId"),
    });
  });

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
