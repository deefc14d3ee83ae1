import { and, eq, type Placeholder, type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "../client";
import { batchPrepared, prepared } from "../prepared";
import { accounts, eventOverrides, integrations, profiles, triggers, webhooks } from "../schema";
import { triggerById } from "./triggers";

/**
 * The rows that route an event (src/domain/routing.ts decides with them): its account, profile
 * and override, and the applying integration with its enabled webhooks for a trigger. Each read
 * is one round trip.
 */

type RoutingIds = { accountId: string; profileId: string; eventId: string };

/** An event's account, profile and override. */
export async function routingContext(db: Database, ids: RoutingIds) {
  const routing = routingByIds(db);
  const [account, profile, override] = await batchPrepared(db, [
    [routing.account, ids],
    [routing.profile, ids],
    [routing.override, ids],
  ]);
  return { account: account[0], profile: profile[0], override: override[0] };
}

/** A trigger with its event's routing context, in one round trip (the consumer needs both). */
export async function triggerWithRouting(db: Database, id: string) {
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

/** The account's integration and its enabled webhooks for one trigger. */
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

type RoutingKeys = Record<keyof RoutingIds, SQLWrapper | Placeholder>;

/** The context's queries, given where the account, profile and event ids come from. */
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

const routingOfTrigger = (db: Database) =>
  prepared(db, "routingOfTrigger", () => {
    const column = (name: keyof RoutingIds) =>
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
