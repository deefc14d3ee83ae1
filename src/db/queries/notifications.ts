import {
  and,
  asc,
  eq,
  gt,
  isNotNull,
  isNull,
  lte,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { DEFAULT_KEY_SCOPES, type NotifiedAttempt, OPERATIONAL_TRIGGER } from "../../lib/types";
import type { Database } from "../client";
import { type PageWindow, pageQueries } from "../page";
import { apiKeys, integrations, triggers, webhooks } from "../schema";

/**
 * Operational notifications (domain/operational.ts) and the endpoints that receive them.
 *
 * A notification is an outbox row (`triggers`) inserted by a statement that runs in the batch of
 * the change that causes it, after that change's statement: `INSERT ... SELECT ... WHERE` the
 * webhook is now in the state the change set. So it is written exactly when the change is; its id
 * is deterministic (the webhook and the moment), so a batch written twice inserts it once; and a
 * change that did not happen (a guard that refused) writes none. Each returns the id it inserted
 * (none when it did not), for the writer to queue. Only an integration's webhook notifies: an
 * operational endpoint that fails never notifies about itself.
 */

type Row = typeof triggers.$inferSelect;

const w = alias(webhooks, "w");
const k = alias(apiKeys, "k");

/**
 * A notification's row, as the select of an `INSERT ... SELECT` (every column of `triggers`, in
 * the table's order: drizzle inserts a select column by column).
 */
function notificationRow(row: {
  id: SQLWrapper;
  accountId: SQLWrapper;
  trigger: string;
  entityUid: SQLWrapper;
  snapshot: SQL;
  at: string;
}): { [K in keyof Row]: SQL.Aliased<Row[K]> } {
  return {
    id: sql<string>`${row.id}`.as("id"),
    accountId: sql<string>`${row.accountId}`.as("account_id"),
    trigger: sql<string>`${row.trigger}`.as("trigger"),
    profileId: sql<string>`''`.as("profile_id"),
    eventId: sql<string>`''`.as("event_id"),
    entityUid: sql<string>`${row.entityUid}`.as("entity_uid"),
    snapshot: sql<Row["snapshot"]>`${row.snapshot}`.as("snapshot"),
    webhookId: sql<string | null>`null`.as("webhook_id"),
    cause: sql<string | null>`null`.as("cause"),
    status: sql<"pending">`'pending'`.as("status"),
    createdAt: sql<string>`${row.at}`.as("created_at"),
    processedAt: sql<string | null>`null`.as("processed_at"),
    resentAt: sql<string | null>`null`.as("resent_at"),
    resendCount: sql<number>`0`.as("resend_count"),
    error: sql<string | null>`null`.as("error"),
    outcome: sql<string | null>`null`.as("outcome"),
    deliveryCount: sql<number>`0`.as("delivery_count"),
  };
}

/** The webhook as a notification names it (never a secret: a secret URL's column is masked). */
const WEBHOOK_JSON = sql`json_object(
  'id', ${w.id}, 'name', ${w.name}, 'trigger', ${w.trigger}, 'url', ${w.url},
  'integration_id', ${w.integrationId},
  'integration_name', (SELECT ${integrations.name} FROM ${integrations} WHERE ${integrations.id} = ${w.integrationId}))`;

/**
 * Statement: the notification `id` about webhook `webhookId`, if `state` holds of it now (the
 * change before it in the batch happened) and it belongs to an integration (an operational
 * endpoint never notifies about itself). Returns the id it inserted, if any.
 */
function notifyAboutWebhook(
  db: Database,
  notification: { id: string; trigger: string; at: string; webhookId: string },
  data: SQL,
  state: SQL | undefined,
) {
  const snapshot = sql`json_object('webhook', ${WEBHOOK_JSON}, ${data})`;
  return db
    .insert(triggers)
    .select(
      db
        .select(
          notificationRow({
            id: sql`${notification.id}`,
            accountId: w.accountId,
            trigger: notification.trigger,
            entityUid: w.id,
            snapshot,
            at: notification.at,
          }),
        )
        .from(w)
        .where(and(eq(w.id, notification.webhookId), state, isNotNull(w.integrationId))),
    )
    .onConflictDoNothing()
    .returning({ id: triggers.id });
}

/**
 * Statement, after `startWebhookFailing`: `webhook.failing` (under `id`) when this batch started
 * the webhook's run of failures (`failing_since` went from null to `since`), with the attempt
 * that started it.
 */
export function notifyWebhookFailing(
  db: Database,
  id: string,
  webhookId: string,
  since: string,
  attempt: NotifiedAttempt,
) {
  return notifyAboutWebhook(
    db,
    { id, trigger: "webhook.failing", at: since, webhookId },
    sql`'failing_since', ${w.failingSince}, 'attempt', json(${JSON.stringify(attempt)})`,
    eq(w.failingSince, since),
  );
}

/**
 * Statement, after `disableWebhook` or `disableWebhookFailingBefore`: `webhook.disabled` (under
 * `id`) when this batch disabled the webhook (disabled by Weft, with a reason, at `at`), with its
 * last attempts.
 */
export function notifyWebhookDisabled(
  db: Database,
  id: string,
  webhookId: string,
  at: string,
  lastAttempts: readonly NotifiedAttempt[],
) {
  return notifyAboutWebhook(
    db,
    { id, trigger: "webhook.disabled", at, webhookId },
    sql`'reason', ${w.disabledReason}, 'disabled_at', ${w.updatedAt},
      'failing_since', ${w.failingSince}, 'last_attempts', json(${JSON.stringify(lastAttempts)})`,
    and(eq(w.enabled, false), isNotNull(w.disabledReason), eq(w.updatedAt, at)),
  );
}

/**
 * `integration_key.expiring` for every live integration key whose `expires_at` is after `at` and
 * by `horizon`, and not yet announced: once per key (its id is `prefix` and the key's). A key a
 * rotation replaced is not announced (its end is the rotation's grace period). Returns the new ids.
 */
export function notifyExpiringKeys(
  db: Database,
  { at, horizon, prefix }: { at: string; horizon: string; prefix: string },
) {
  const id = sql`${prefix} || ${k.id}`;
  const snapshot = sql`json_object(
    'key', json_object('id', ${k.id}, 'prefix', ${k.prefix}, 'expires_at', ${k.expiresAt},
      'scopes', json(coalesce(${k.scopes}, ${JSON.stringify(DEFAULT_KEY_SCOPES)}))),
    'integration', json_object('id', ${k.integrationId},
      'name', (SELECT ${integrations.name} FROM ${integrations} WHERE ${integrations.id} = ${k.integrationId})))`;
  return db
    .insert(triggers)
    .select(
      db
        .select(
          notificationRow({
            id,
            accountId: k.accountId,
            trigger: "integration_key.expiring",
            entityUid: k.id,
            snapshot,
            at,
          }),
        )
        .from(k)
        .where(
          and(
            gt(k.expiresAt, at),
            lte(k.expiresAt, horizon),
            eq(k.kind, "integration"),
            isNull(k.revokedAt),
            isNull(k.rotatedAt),
            sql`NOT EXISTS (SELECT 1 FROM ${triggers} WHERE ${triggers.id} = ${id})`,
          ),
        ),
    )
    .onConflictDoNothing()
    .returning({ id: triggers.id });
}

/** Where an account's operational endpoints are. */
const ofAccount = (accountId: string) =>
  and(
    eq(webhooks.accountId, accountId),
    eq(webhooks.trigger, OPERATIONAL_TRIGGER),
    isNull(webhooks.integrationId),
  );

/** The account's operational endpoint (a list of at most one row). */
export function operationalWebhookOf(db: Database, accountId: string, id: string) {
  return db
    .select()
    .from(webhooks)
    .where(and(ofAccount(accountId), eq(webhooks.id, id)))
    .limit(1);
}

/** The queries of one page of the account's operational endpoints, oldest first, with the total. */
export function operationalWebhookPageQueries(db: Database, accountId: string, window: PageWindow) {
  return pageQueries(db, webhooks, ofAccount(accountId), window);
}

/**
 * A notification with the operational endpoints it goes to (the account's enabled ones created
 * before it: an endpoint receives what happens after it exists), in one round trip.
 */
export async function notificationWithEndpoints(db: Database, triggerId: string) {
  const of = (column: "accountId" | "createdAt") =>
    db.select({ value: triggers[column] }).from(triggers).where(eq(triggers.id, triggerId));
  const [found, endpoints] = await db.batch([
    db.select().from(triggers).where(eq(triggers.id, triggerId)),
    db
      .select()
      .from(webhooks)
      .where(
        and(
          eq(webhooks.accountId, of("accountId")),
          eq(webhooks.trigger, OPERATIONAL_TRIGGER),
          isNull(webhooks.integrationId),
          eq(webhooks.enabled, true),
          lte(webhooks.createdAt, of("createdAt")),
        ),
      )
      .orderBy(asc(webhooks.createdAt)),
  ]);
  return { trigger: found[0], endpoints };
}
