import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { FormField, JsonValue, KeyScope, MappingEntry } from "../lib/types";

// Times are RFC 3339 UTC strings with milliseconds, so they sort as text.
// JSON columns hold objects the API validated before they were written.

const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  fieldMapping: text("field_mapping", { mode: "json" })
    .$type<MappingEntry[]>()
    .notNull()
    .default(sql`'[]'`),
  ...timestamps,
});

/** Admin and integration keys: only the SHA-256 hash of the secret is kept. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    kind: text("kind", { enum: ["admin", "integration"] }).notNull(),
    integrationId: text("integration_id"),
    /** An integration key's scopes (API.md §8); null for an admin key. */
    scopes: text("scopes", { mode: "json" }).$type<KeyScope[]>(),
    hash: text("hash").notNull(),
    prefix: text("prefix").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_hash_idx").on(t.hash),
    index("api_keys_account_idx").on(t.accountId),
    index("api_keys_integration_idx").on(t.integrationId),
  ],
);

export const profiles = sqliteTable(
  "profiles",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    name: text("name").notNull(),
    activeIntegrationId: text("active_integration_id"),
    /** Whether a payment fires guest.update for the profile's events (an override may change it). */
    fireOnPayment: integer("fire_on_payment", { mode: "boolean" }).notNull().default(false),
    fieldMapping: text("field_mapping", { mode: "json" })
      .$type<MappingEntry[]>()
      .notNull()
      .default(sql`'[]'`),
    ...timestamps,
  },
  (t) => [index("profiles_account_idx").on(t.accountId, t.createdAt)],
);

export type EventLocation = {
  name?: string | null;
  street?: string | null;
  zip_code?: string | null;
  city?: string | null;
  country?: string | null;
};

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    profileId: text("profile_id").notNull(),
    name: text("name").notNull(),
    status: text("status").notNull(),
    startDate: text("start_date").notNull(),
    endDate: text("end_date").notNull(),
    timezone: text("timezone").notNull(),
    currency: text("currency").notNull(),
    languages: text("languages", { mode: "json" }).$type<string[]>().notNull(),
    location: text("location", { mode: "json" }).$type<EventLocation | null>(),
    capacity: integer("capacity"),
    guestCount: integer("guest_count").notNull().default(0),
    fields: text("fields", { mode: "json" }).$type<FormField[]>().notNull(),
    ...timestamps,
  },
  (t) => [
    index("events_account_idx").on(t.accountId, t.createdAt),
    index("events_profile_idx").on(t.profileId, t.createdAt),
  ],
);

export const attendees = sqliteTable(
  "attendees",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    eventId: text("event_id").notNull(),
    profileId: text("profile_id").notNull(),
    language: text("language").notNull(),
    registrationStatus: text("registration_status").notNull(),
    paymentStatus: text("payment_status").notNull(),
    paymentMethod: text("payment_method"),
    paymentDate: text("payment_date"),
    paymentAmount: real("payment_amount").notNull().default(0),
    amountTaxExcl: real("amount_tax_excl").notNull().default(0),
    amountTax: real("amount_tax").notNull().default(0),
    amountTaxIncl: real("amount_tax_incl").notNull().default(0),
    checkIns: integer("check_ins").notNull().default(0),
    firstCheckInAt: text("first_check_in_at"),
    fields: text("fields", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    ...timestamps,
  },
  (t) => [
    index("attendees_event_idx").on(t.eventId, t.createdAt),
    index("attendees_account_idx").on(t.accountId, t.createdAt),
  ],
);

export type FixedConfiguration = { fields: FormField[] };

export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    name: text("name").notNull(),
    // The API's default for new integrations is off (CreateIntegrationBody, which always sets it);
    // this column default only served rows written before that, which keep their value.
    apiAccess: integer("api_access", { mode: "boolean" }).notNull().default(true),
    webhooksEnabled: integer("webhooks_enabled", { mode: "boolean" }).notNull().default(true),
    fixedConfiguration: text("fixed_configuration", { mode: "json" })
      .$type<FixedConfiguration>()
      .notNull(),
    fieldMapping: text("field_mapping", { mode: "json" })
      .$type<MappingEntry[]>()
      .notNull()
      .default(sql`'[]'`),
    /** The catalogue template it was created from (src/domain/integration-templates), if any. */
    templateId: text("template_id"),
    ...timestamps,
  },
  (t) => [index("integrations_account_idx").on(t.accountId, t.createdAt)],
);

/** Which profiles an integration is linked to (and so may read through its keys). */
export const integrationProfiles = sqliteTable(
  "integration_profiles",
  {
    integrationId: text("integration_id").notNull(),
    profileId: text("profile_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.profileId] }),
    index("integration_profiles_profile_idx").on(t.profileId),
  ],
);

export const eventOverrides = sqliteTable("event_overrides", {
  eventId: text("event_id").primaryKey(),
  integrationId: text("integration_id"),
  fieldMapping: text("field_mapping", { mode: "json" })
    .$type<MappingEntry[]>()
    .notNull()
    .default(sql`'[]'`),
  mappingMode: text("mapping_mode", { enum: ["merge", "replace"] })
    .notNull()
    .default("merge"),
  /** null: the profile's `fire_on_payment` applies. */
  fireOnPayment: integer("fire_on_payment", { mode: "boolean" }),
  /** false: no webhook fires for this event (the profile's integration's or the override's). */
  webhooksEnabled: integer("webhooks_enabled", { mode: "boolean" }).notNull().default(true),
  ...timestamps,
});

export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    integrationId: text("integration_id").notNull(),
    name: text("name").notNull(),
    trigger: text("trigger").notNull(),
    /** The URL (a template when it holds placeholders); for a secret URL, only what reads show. */
    url: text("url").notNull(),
    /** A secret URL (Slack's, a Zapier catch hook), AES-GCM encrypted; null: `url` is the URL. */
    urlEncrypted: text("url_encrypted"),
    method: text("method").notNull(),
    /** What the body is built from (src/domain/payload-template); null: the item itself. */
    payloadTemplate: text("payload_template", { mode: "json" }).$type<JsonValue>(),
    bodyEncoding: text("body_encoding", { enum: ["json", "form"] })
      .notNull()
      .default("json"),
    /** AES-GCM ciphertext of the JSON object of custom headers. */
    headersEncrypted: text("headers_encrypted").notNull(),
    /** Header names, readable, so reads can mask values without decrypting. */
    headerNames: text("header_names", { mode: "json" }).$type<string[]>().notNull(),
    eventUids: text("event_uids", { mode: "json" }).$type<string[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    disabledReason: text("disabled_reason"),
    secretEncrypted: text("secret_encrypted").notNull(),
    secretPrefix: text("secret_prefix").notNull(),
    previousSecretEncrypted: text("previous_secret_encrypted"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    /** Start of the current run of failed attempts; cleared by any success. */
    failingSince: text("failing_since"),
    /** Requests per second this receiver accepts; null: only the per-endpoint concurrency. */
    maxPerSecond: integer("max_per_second"),
    /** `per_subject`: a change to an attendee or event is sent only after the earlier ones. */
    ordering: text("ordering", { enum: ["none", "per_subject"] })
      .notNull()
      .default("none"),
    /**
     * What the webhook's endpoint scheduler (durable-objects/endpoint) last published: `active`,
     * `paused` (nothing is sent before `paused_until`) or `probing` (one request decides).
     */
    state: text("state", { enum: ["active", "paused", "probing"] })
      .notNull()
      .default("active"),
    pausedUntil: text("paused_until"),
    /** Why it is paused or probing: `failing` (the breaker) or `retry_after` (429/503). */
    stateReason: text("state_reason"),
    ...timestamps,
  },
  (t) => [index("webhooks_integration_idx").on(t.integrationId, t.trigger)],
);

/**
 * The outbox: a trigger is written in the same batch as the change that caused it,
 * then put on the queue. The cron re-sends those not processed within a minute.
 */
export const triggers = sqliteTable(
  "triggers",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    trigger: text("trigger").notNull(),
    profileId: text("profile_id").notNull(),
    eventId: text("event_id").notNull(),
    entityUid: text("entity_uid").notNull(),
    /** The native representation of the entity when the trigger happened. */
    snapshot: text("snapshot", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** Only a manual action names its webhook. */
    webhookId: text("webhook_id"),
    cause: text("cause"),
    status: text("status", { enum: ["pending", "processed", "failed"] }).notNull(),
    createdAt: text("created_at").notNull(),
    processedAt: text("processed_at"),
    /** When the outbox sweeper last re-sent its message, and how many times it did. */
    resentAt: text("resent_at"),
    resendCount: integer("resend_count").notNull().default(0),
    /** Why a trigger ended `failed` (the dead-letter queue says what gave up). */
    error: text("error"),
  },
  (t) => [
    index("triggers_status_idx").on(t.status, t.createdAt),
    // Fan-out looks for a subject's earlier changes still pending (per-subject order).
    index("triggers_entity_idx").on(t.entityUid, t.status, t.createdAt),
  ],
);

export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    triggerId: text("trigger_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    integrationId: text("integration_id").notNull(),
    trigger: text("trigger").notNull(),
    eventUid: text("event_uid").notNull(),
    entityUid: text("entity_uid").notNull(),
    cause: text("cause"),
    /**
     * The JSON body, mapped and rendered once, so every retry sends the same bytes; "" when the
     * payload template failed at fan-out (the delivery failed at once, without a request).
     */
    payload: text("payload").notNull(),
    /** When the change happened (its trigger's `created_at`): the order of `per_subject` webhooks. */
    changedAt: text("changed_at").notNull().default(""),
    /** The URL rendered from the webhook's placeholders; null: the webhook's URL at each attempt. */
    url: text("url"),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    /** Set while a consumer sends an attempt, so a duplicated message cannot send it twice. */
    lockedUntil: text("locked_until"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("deliveries_trigger_webhook_idx").on(t.triggerId, t.webhookId),
    index("deliveries_integration_idx").on(t.integrationId, t.createdAt),
    index("deliveries_status_idx").on(t.status, t.nextAttemptAt),
    // The endpoint scheduler's pull: a webhook's due deliveries, and a subject's earlier ones.
    index("deliveries_webhook_due_idx").on(t.webhookId, t.status, t.nextAttemptAt),
    index("deliveries_webhook_subject_idx").on(t.webhookId, t.entityUid, t.status),
    // Retention runs every minute (src/scheduled.ts): its deletes must not scan the table.
    index("deliveries_created_idx").on(t.createdAt),
  ],
);

export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    startedAt: text("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    responseExcerpt: text("response_excerpt"),
  },
  (t) => [uniqueIndex("delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

/** Stored first responses of creating POSTs, replayed for the same key within 24 h. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index("idempotency_keys_created_idx").on(t.createdAt),
  ],
);
