import type { WebhookRow } from "../db/queries/webhooks";
import type { JsonValue, Trigger, WebhookMethod } from "../lib/types";
import type { BodyEncoding } from "./webhook-content";

/** What reads show instead of a header value: values are write-only. */
export const MASK = "********";

export const WEBHOOK_ORDERINGS = ["none", "per_subject"] as const;
/** What a webhook's endpoint is doing (delivery/breaker.ts decides). */
export const ENDPOINT_STATES = ["active", "paused", "probing"] as const;
export const PAUSE_REASONS = ["failing", "retry_after"] as const;
/** Requests in flight per webhook at most (delivery/endpoint.ts). */
export const DEFAULT_CONCURRENCY = 10;
/** The highest `max_per_second` a webhook may ask for. */
export const MAX_PER_SECOND_LIMIT = 1000;

/** `POST /v1/integrations/{id}/webhooks` (API.md §3), defaults applied. */
export type WebhookInput = {
  name: string;
  trigger: Trigger;
  url: string;
  method: WebhookMethod;
  /** Names lower-case. */
  headers: Record<string, string>;
  event_uids: string[];
  enabled: boolean;
  /** null: no rate, only the per-endpoint concurrency. */
  max_per_second: number | null;
  ordering: (typeof WEBHOOK_ORDERINGS)[number];
  /** null: the body is the item itself. */
  payload_template: JsonValue;
  body_encoding: BodyEncoding;
  /** The URL is a credential: stored encrypted, read back masked. */
  secret_url: boolean;
};

/** What reads show of a secret URL: its scheme and host only. */
export function maskedUrl(url: string): string {
  return `${new URL(url).origin}/${MASK}`;
}

export function serializeWebhook(row: WebhookRow) {
  return {
    id: row.id,
    integration_id: row.integrationId,
    name: row.name,
    trigger: row.trigger as Trigger,
    url: row.url,
    secret_url: row.urlEncrypted !== null,
    method: row.method as WebhookMethod,
    headers: Object.fromEntries(row.headerNames.map((name) => [name, MASK] as const)),
    event_uids: row.eventUids,
    payload_template: row.payloadTemplate,
    body_encoding: row.bodyEncoding,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    max_per_second: row.maxPerSecond,
    ordering: row.ordering,
    state: row.state,
    paused_until: row.pausedUntil,
    state_reason: row.stateReason as (typeof PAUSE_REASONS)[number] | null,
    secret_prefix: row.secretPrefix,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

/** A manual webhook as an action on an event or attendee: labelled by the webhook's name. */
export function serializeAction(row: Pick<WebhookRow, "id" | "name" | "method">) {
  return { webhook_id: row.id, name: row.name, method: row.method as WebhookMethod };
}
