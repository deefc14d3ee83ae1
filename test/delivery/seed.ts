import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { createDb } from "../../src/db/client";
import {
  attendees,
  deliveries,
  deliveryAttempts,
  eventOverrides,
  events,
  integrationProfiles,
  integrations,
  profiles,
  triggers,
  webhooks,
} from "../../src/db/schema";
import type { QueueMessage } from "../../src/delivery/messages";
import type { Deps } from "../../src/deps";
import { toBase64 } from "../../src/lib/encoding";
import { newId } from "../../src/lib/ids";
import { encryptSecret } from "../../src/lib/secret-box";
import type { MappingEntry, Trigger, WebhookMethod } from "../../src/lib/types";
import { createAccount } from "../factories";
import { realDeps } from "../helpers/deps";
import type { ReceivedRequest, ScriptedResponse } from "../receiver/server";

/**
 * Rows the delivery tests need, written straight to D1 (the resource routes are built in parallel;
 * the lead may switch these to the API later).
 */
export const db = createDb(env.DB);

const now = () => new Date().toISOString();

export type World = Awaited<ReturnType<typeof seedWorld>>;

/** An account (through the API, so its admin key works), a profile with an active integration, an event. */
export async function seedWorld(
  options: {
    webhooksEnabled?: boolean;
    active?: boolean;
    accountMapping?: MappingEntry[];
    integrationMapping?: MappingEntry[];
    profileMapping?: MappingEntry[];
    /** An existing account (e.g. describeAuth's owner) instead of a new one. */
    owner?: { account: { id: string }; key: string };
  } = {},
) {
  const { account, key } = options.owner ?? (await createAccount());
  const at = now();
  const integration = {
    id: newId("int"),
    accountId: account.id as string,
    name: "CRM sync",
    apiAccess: true,
    webhooksEnabled: options.webhooksEnabled ?? true,
    fixedConfiguration: { fields: [] },
    fieldMapping: options.integrationMapping ?? [],
    createdAt: at,
    updatedAt: at,
  };
  const profile = {
    id: newId("prf"),
    accountId: account.id as string,
    name: "Brand",
    activeIntegrationId: options.active === false ? null : integration.id,
    fieldMapping: options.profileMapping ?? [],
    createdAt: at,
    updatedAt: at,
  };
  const event = {
    id: newId("evt"),
    accountId: account.id as string,
    profileId: profile.id,
    name: "Annual Summit",
    status: "Registering",
    startDate: "2026-06-12T07:00:00.000Z",
    endDate: "2026-06-13T16:00:00.000Z",
    timezone: "Europe/Brussels",
    currency: "EUR",
    languages: ["en"],
    location: null,
    capacity: null,
    guestCount: 0,
    fields: [
      { name: "email", label: "E-mail", type: "email" as const, required: true, locked: false },
    ],
    createdAt: at,
    updatedAt: at,
  };
  await db.batch([
    db.insert(integrations).values(integration),
    db.insert(profiles).values(profile),
    db.insert(integrationProfiles).values({ integrationId: integration.id, profileId: profile.id }),
    db.insert(events).values(event),
  ]);
  if (options.accountMapping) {
    const { accounts } = await import("../../src/db/schema");
    await db
      .update(accounts)
      .set({ fieldMapping: options.accountMapping })
      .where(eq(accounts.id, account.id));
  }
  return { accountId: account.id as string, key, integration, profile, event };
}

/** Another event of the world's profile. */
export async function seedEvent(world: World) {
  const event = { ...world.event, id: newId("evt"), name: "Second event" };
  await db.insert(events).values(event);
  return event;
}

export async function seedAttendee(world: World, eventId = world.event.id) {
  const at = now();
  const row = {
    id: newId("gst"),
    accountId: world.accountId,
    eventId,
    profileId: world.profile.id,
    language: "en",
    registrationStatus: "Complete",
    paymentStatus: "Unpaid",
    fields: { email: "jane@example.com", firstname: "Jane" },
    createdAt: at,
    updatedAt: at,
  };
  await db.insert(attendees).values(row);
  return row;
}

export async function seedOverride(
  eventId: string,
  values: Partial<typeof eventOverrides.$inferInsert> = {},
) {
  const at = now();
  await db
    .insert(eventOverrides)
    .values({ eventId, integrationId: null, createdAt: at, updatedAt: at, ...values });
}

/** A fresh `whsec_` secret (32 random bytes). */
export function newSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export async function seedWebhook(
  world: World,
  options: {
    trigger?: Trigger;
    method?: WebhookMethod;
    url?: string;
    headers?: Record<string, string>;
    eventUids?: string[];
    enabled?: boolean;
    integrationId?: string;
    previousSecret?: { secret: string; expiresAt: string };
    failingSince?: string | null;
    name?: string;
  } = {},
) {
  const at = now();
  const secret = newSecret();
  const headers = options.headers ?? {};
  const row = {
    id: newId("whk"),
    accountId: world.accountId,
    integrationId: options.integrationId ?? world.integration.id,
    name: options.name ?? "Push to CRM",
    trigger: options.trigger ?? "guest.create",
    url: options.url ?? channelUrl(newChannel()),
    method: options.method ?? "POST",
    headersEncrypted: await encryptSecret(env.SECRETS_KEY, JSON.stringify(headers)),
    headerNames: Object.keys(headers),
    eventUids: options.eventUids ?? [],
    enabled: options.enabled ?? true,
    disabledReason: options.enabled === false ? "manual" : null,
    secretEncrypted: await encryptSecret(env.SECRETS_KEY, secret),
    secretPrefix: secret.slice(0, 10),
    previousSecretEncrypted: options.previousSecret
      ? await encryptSecret(env.SECRETS_KEY, options.previousSecret.secret)
      : null,
    previousSecretExpiresAt: options.previousSecret?.expiresAt ?? null,
    failingSince: options.failingSince ?? null,
    // A day old, so triggers seeded "minutes ago" still find it (webhooks get only later triggers).
    createdAt: new Date(Date.parse(at) - 86_400_000).toISOString(),
    updatedAt: at,
  };
  await db.insert(webhooks).values(row);
  return { ...row, secret };
}

/** An outbox row, as the resource routes record it. */
export async function seedTrigger(
  world: World,
  options: {
    trigger: Trigger;
    snapshot: Record<string, unknown>;
    entityUid: string;
    eventId?: string;
    cause?: string;
    webhookId?: string;
    createdAt?: string;
  },
) {
  const id = newId("trg");
  await db.insert(triggers).values({
    id,
    accountId: world.accountId,
    trigger: options.trigger,
    profileId: world.profile.id,
    eventId: options.eventId ?? world.event.id,
    entityUid: options.entityUid,
    snapshot: options.snapshot,
    webhookId: options.webhookId ?? null,
    cause: options.cause ?? null,
    status: "pending",
    createdAt: options.createdAt ?? now(),
  });
  return id;
}

export function findTriggerRow(id: string) {
  return db.select().from(triggers).where(eq(triggers.id, id)).get();
}

export function deliveriesOfTrigger(triggerId: string) {
  return db.select().from(deliveries).where(eq(deliveries.triggerId, triggerId));
}

export function findDeliveryRow(id: string) {
  return db.select().from(deliveries).where(eq(deliveries.id, id)).get();
}

export function attemptRows(deliveryId: string) {
  return db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(deliveryAttempts.attempt);
}

export function findWebhookRow(id: string) {
  return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

// --- the receiver -------------------------------------------------------------------------------

export function newChannel(): string {
  return crypto.randomUUID();
}

export function channelUrl(channel: string): string {
  return `${env.RECEIVER_URL}/hooks/${channel}`;
}

export async function script(channel: string, steps: ScriptedResponse[]): Promise<void> {
  const response = await fetch(`${env.RECEIVER_URL}/_script/${channel}`, {
    method: "PUT",
    body: JSON.stringify(steps),
  });
  if (response.status !== 204) throw new Error(`script failed: ${response.status}`);
}

export async function received(channel: string): Promise<ReceivedRequest[]> {
  const response = await fetch(`${env.RECEIVER_URL}/_received/${channel}`);
  return (await response.json()) as ReceivedRequest[];
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// --- delivery dependencies for direct calls -----------------------------------------------------

export type SentMessage = { body: QueueMessage; delaySeconds?: number };

/**
 * The real dependencies, except a queue that records what would be sent (so a test sees retry
 * delays and nothing runs behind its back), and optionally a pinned clock and jitter.
 */
export function testDeps(overrides: Partial<Deps> = {}) {
  const sent: SentMessage[] = [];
  const queue: Deps["queue"] = {
    async sendBatch(messages) {
      for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  const deps = realDeps({ queue, ...overrides });
  return { deps, sent };
}
