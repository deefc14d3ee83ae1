import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES } from "../../domain/delivery";
import { ENDPOINT_STATES, MASK } from "../../domain/webhook";
import type { OperationalWebhookInput } from "../../services/operational-webhooks";
import { dateTimeFilter, PageQuery, Timestamp, withDefaults } from "../common.schemas";
import { WebhookHeaders } from "../webhooks/webhooks.schemas";

export const OperationalWebhookParams = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: "The operational endpoint's id (`whk_...`).",
    example: "whk_7k2m9q4x1c8w3z6b0n5j",
  }),
});

export const OperationalDeliveriesQuery = PageQuery.extend({
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ description: "Only deliveries in this state." }),
  since: dateTimeFilter("Only deliveries created at or after this time (RFC 3339)."),
});

const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "On-call alerts" }),
  url: z.string().min(1).max(2048).openapi({
    description:
      "Where notifications are POSTed. The webhook URL policy: https only (http only where `ALLOW_HTTP_TARGETS=true`); no credentials; no localhost or private, loopback, link-local or reserved IP literal unless `ALLOW_PRIVATE_TARGETS=true` (`VALIDATION_FAILED` naming `url`). No placeholders.",
    example: "https://ops.example.com/hooks/weft",
  }),
  headers: WebhookHeaders,
  enabled: z.boolean().openapi({
    description:
      "Disabled endpoints receive nothing. Weft disables one itself like any webhook (410, or 5 days failing): `enabled: true` re-enables it and clears `disabled_reason`.",
    example: true,
  }),
};

const example = {
  name: "On-call alerts",
  url: "https://ops.example.com/hooks/weft",
  headers: { authorization: "Bearer ops-token" },
  enabled: true,
};

export const CreateOperationalWebhookBody = withDefaults(
  z.strictObject({
    name: fields.name,
    url: fields.url,
    headers: fields.headers.optional(),
    enabled: fields.enabled.optional().openapi({ description: "Default true." }),
  }),
  { headers: {}, enabled: true },
).openapi("CreateOperationalWebhook", {
  description: "`name` and `url` are required; no custom headers and enabled unless said.",
  example,
}) satisfies z.ZodType<OperationalWebhookInput>;

export const UpdateOperationalWebhookBody = z
  .strictObject({
    name: fields.name.optional(),
    url: fields.url.optional(),
    headers: fields.headers.optional(),
    enabled: fields.enabled.optional(),
  })
  .openapi("UpdateOperationalWebhook", {
    description: "Every property optional; `headers` replaces the whole set.",
    example: { enabled: true },
  }) satisfies z.ZodType<Partial<OperationalWebhookInput>>;

export const OPERATIONAL_WEBHOOK_EXAMPLE = {
  id: "whk_7k2m9q4x1c8w3z6b0n5j",
  ...example,
  headers: { authorization: MASK },
  disabled_reason: null,
  state: "active",
  paused_until: null,
  secret_prefix: "whsec_Qm7r",
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:00:00.000Z",
};

export const OperationalWebhookSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.literal(MASK)).openapi({
      description: "The custom header names, values masked (write-only).",
    }),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().openapi({
      description:
        '`"gone"` (the endpoint answered 410) or `"failing"` (every attempt failed for 5 days). An operational endpoint disabled this way sends no notification about itself.',
    }),
    state: z.enum(ENDPOINT_STATES).openapi({
      description:
        "Read-only, as a webhook's: `active`, `paused` (after 5 failed attempts in a row, or a `retry-after`) or `probing`.",
    }),
    paused_until: Timestamp.nullable(),
    secret_prefix: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("OperationalWebhook", { example: OPERATIONAL_WEBHOOK_EXAMPLE });

export const CREATED_OPERATIONAL_WEBHOOK_EXAMPLE = {
  ...OPERATIONAL_WEBHOOK_EXAMPLE,
  secret: "whsec_Qm7rV1n0Yt0dbkJ1QJc0S8Zb8mX2u2WmZf1k3rG6yq8=",
};

export const CreatedOperationalWebhookSchema = OperationalWebhookSchema.extend({
  secret: z.string().openapi({
    description:
      "The signing secret (`whsec_` + base64 of 32 bytes), stored encrypted. Shown only here: keep it to verify notifications.",
  }),
}).openapi("CreatedOperationalWebhook", { example: CREATED_OPERATIONAL_WEBHOOK_EXAMPLE });

// The notifications' bodies (the document's `webhooks` section): Standard Webhooks' envelope,
// `{ id, type, timestamp, data }`, built by domain/operational.ts and db/queries/notifications.ts.

const NotifiedWebhook = z
  .object({
    id: z.string().openapi({ description: "The webhook (`whk_...`)." }),
    name: z.string(),
    trigger: z.string().openapi({ description: "Its trigger (`guest.create`, ...)." }),
    url: z
      .string()
      .openapi({ description: "Its URL; a secret URL shows its scheme and host only." }),
    integration_id: z.string(),
    integration_name: z.string().nullable(),
  })
  .openapi("NotifiedWebhook");

const NotifiedAttempt = z
  .object({
    delivery_id: z.string(),
    attempt: z.number().int(),
    started_at: Timestamp,
    status_code: z.number().int().nullable().openapi({
      description: "The receiver's status; null when no answer came (timeout, refused).",
    }),
    error: z.string().nullable(),
  })
  .openapi("NotifiedAttempt", {
    description:
      "An attempt as the delivery log keeps it, without the response (read it with `GET /v1/deliveries/{id}`).",
  });

const envelope = <T extends z.ZodType>(type: string, data: T) =>
  z.object({
    id: z.string().openapi({
      description:
        "The notification's id: the same for every endpoint and every retry (each delivery has its own `webhook-id`).",
    }),
    type: z.literal(type),
    timestamp: Timestamp.openapi({ description: "When it happened." }),
    data,
  });

const WEBHOOK_JSON_EXAMPLE = {
  id: "whk_1a3c5e7g9i0k2m4o6q8s",
  name: "Push to CRM",
  trigger: "guest.create",
  url: "https://crm.example.com/hooks/weft",
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  integration_name: "CRM sync",
};
const ATTEMPT_JSON_EXAMPLE = {
  delivery_id: "dlv_0p9o8i7u6y5t4r3e2w1q",
  attempt: 1,
  started_at: "2026-05-01T09:00:00.105Z",
  status_code: 410,
  error: "HTTP 410",
};

export const WEBHOOK_DISABLED_EXAMPLE = {
  id: "ntf_disabled_whk_1a3c5e7g9i0k2m4o6q8s_1777626000412",
  type: "webhook.disabled",
  timestamp: "2026-05-01T09:00:00.412Z",
  data: {
    webhook: WEBHOOK_JSON_EXAMPLE,
    reason: "gone",
    disabled_at: "2026-05-01T09:00:00.412Z",
    failing_since: null,
    last_attempts: [ATTEMPT_JSON_EXAMPLE],
  },
};

export const WebhookDisabledNotification = envelope(
  "webhook.disabled",
  z.object({
    webhook: NotifiedWebhook,
    reason: z.enum(["gone", "failing"]).openapi({
      description:
        '`"gone"`: the receiver answered 410. `"failing"`: every attempt failed for 5 days.',
    }),
    disabled_at: Timestamp,
    failing_since: Timestamp.nullable().openapi({
      description: "When its run of failures began.",
    }),
    last_attempts: z.array(NotifiedAttempt).openapi({
      description:
        "The webhook's last attempts when the notification is sent (the one that disabled it among them), oldest first, at most 5; each delivery's whole history is in the delivery log.",
    }),
  }),
).openapi("WebhookDisabledNotification", { example: WEBHOOK_DISABLED_EXAMPLE });

export const WEBHOOK_FAILING_EXAMPLE = {
  id: "ntf_failing_whk_1a3c5e7g9i0k2m4o6q8s_1777626000105",
  type: "webhook.failing",
  timestamp: "2026-05-01T09:00:00.105Z",
  data: {
    webhook: WEBHOOK_JSON_EXAMPLE,
    failing_since: "2026-05-01T09:00:00.105Z",
    attempt: { ...ATTEMPT_JSON_EXAMPLE, status_code: 500, error: "HTTP 500" },
  },
};

export const WebhookFailingNotification = envelope(
  "webhook.failing",
  z.object({
    webhook: NotifiedWebhook,
    failing_since: Timestamp,
    attempt: NotifiedAttempt.openapi({ description: "The failed attempt that began the run." }),
  }),
).openapi("WebhookFailingNotification", { example: WEBHOOK_FAILING_EXAMPLE });

export const KEY_EXPIRING_EXAMPLE = {
  id: "ntf_expiring_key_4m2x9q0c7w1z5b8n3k6j",
  type: "integration_key.expiring",
  timestamp: "2026-05-25T09:00:00.000Z",
  data: {
    key: {
      id: "key_4m2x9q0c7w1z5b8n3k6j",
      prefix: "wft_live_8dJq",
      expires_at: "2026-06-01T09:00:00.000Z",
      scopes: ["events:read", "attendees:read"],
    },
    integration: { id: "int_5t8w1q3z9x0c2v4b6n7m", name: "CRM sync" },
  },
};

export const KeyExpiringNotification = envelope(
  "integration_key.expiring",
  z.object({
    key: z.object({
      id: z.string(),
      prefix: z.string(),
      expires_at: Timestamp,
      scopes: z.array(z.string()),
    }),
    integration: z.object({ id: z.string(), name: z.string().nullable() }),
  }),
).openapi("KeyExpiringNotification", { example: KEY_EXPIRING_EXAMPLE });
