import { and, eq, gte, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type PageWindow, pageQueries } from "../page";
import { prepared } from "../prepared";
import { webhooks } from "../schema";

export type WebhookRow = typeof webhooks.$inferSelect;

export function insertWebhook(db: Database, row: typeof webhooks.$inferInsert) {
  return db.insert(webhooks).values(row);
}

/**
 * The account's webhook (a list of at most one row); with `integrationId`, only if it belongs to
 * that integration.
 */
export function webhookOf(
  db: Database,
  where: { accountId: string; id: string; integrationId?: string },
) {
  return db
    .select()
    .from(webhooks)
    .where(
      and(
        eq(webhooks.accountId, where.accountId),
        eq(webhooks.id, where.id),
        where.integrationId ? eq(webhooks.integrationId, where.integrationId) : undefined,
      ),
    )
    .limit(1);
}

/** The queries of one page of an integration's webhooks, oldest first, with the total. */
export function webhookPageQueries(
  db: Database,
  where: { accountId: string; integrationId: string; updatedSince?: string },
  window: PageWindow,
) {
  const condition = and(
    eq(webhooks.accountId, where.accountId),
    eq(webhooks.integrationId, where.integrationId),
    where.updatedSince ? gte(webhooks.updatedAt, where.updatedSince) : undefined,
  );
  return pageQueries(db, webhooks, condition, window);
}

export function updateWebhook(
  db: Database,
  id: string,
  set: Partial<typeof webhooks.$inferInsert>,
) {
  return db.update(webhooks).set(set).where(eq(webhooks.id, id));
}

/**
 * A new signing secret; the one stored when the update runs becomes the previous one, so two
 * rotations at once chain (each secret handed out keeps signing until it expires) and lose none.
 */
export function rotateSecret(
  db: Database,
  id: string,
  next: { secretEncrypted: string; secretPrefix: string; previousExpiresAt: string; at: string },
) {
  return db
    .update(webhooks)
    .set({
      secretEncrypted: next.secretEncrypted,
      secretPrefix: next.secretPrefix,
      previousSecretEncrypted: sql`${webhooks.secretEncrypted}`,
      previousSecretExpiresAt: next.previousExpiresAt,
      updatedAt: next.at,
    })
    .where(eq(webhooks.id, id));
}

export function deleteWebhook(db: Database, id: string) {
  return db.delete(webhooks).where(eq(webhooks.id, id));
}

export function deleteWebhooksOf(db: Database, integrationId: string) {
  return db.delete(webhooks).where(eq(webhooks.integrationId, integrationId));
}

// A webhook's health: failures since, and disabling (API.md §6).

/** Statement: a success ends the webhook's run of failures. */
export function clearWebhookFailing(db: Database, webhookId: string) {
  return db
    .update(webhooks)
    .set({ failingSince: null })
    .where(and(eq(webhooks.id, webhookId), sql`${webhooks.failingSince} is not null`));
}

/** Statement: a failure starts the webhook's run of failures, unless one is running. */
export function startWebhookFailing(db: Database, webhookId: string, at: string) {
  return db
    .update(webhooks)
    .set({ failingSince: at })
    .where(and(eq(webhooks.id, webhookId), isNull(webhooks.failingSince)));
}

/** Statement: disables a webhook failing since before `before`. */
export function disableWebhookFailingBefore(
  db: Database,
  webhookId: string,
  before: string,
  at: string,
) {
  return db
    .update(webhooks)
    .set({ enabled: false, disabledReason: "failing", updatedAt: at })
    .where(
      and(
        eq(webhooks.id, webhookId),
        eq(webhooks.enabled, true),
        lt(webhooks.failingSince, before),
      ),
    );
}

export function disableWebhook(db: Database, webhookId: string, reason: string, at: string) {
  return db
    .update(webhooks)
    .set({ enabled: false, disabledReason: reason, updatedAt: at })
    .where(eq(webhooks.id, webhookId));
}

/** Statement: what the webhook's endpoint scheduler publishes (read-only in the API). */
export function setWebhookState(
  db: Database,
  webhookId: string,
  shown: { state: WebhookRow["state"]; pausedUntil: string | null; stateReason: string | null },
) {
  return db.update(webhooks).set(shown).where(eq(webhooks.id, webhookId));
}

/** A webhook by id alone (the delivery side, which knows it from a delivery); prepared. */
export function webhookById(db: Database, id: string) {
  return webhookByIdQuery(db).all({ id });
}

const webhookByIdQuery = (db: Database) =>
  prepared(db, "webhookById", () =>
    db
      .select()
      .from(webhooks)
      .where(eq(webhooks.id, sql.placeholder("id")))
      .prepare(),
  );
