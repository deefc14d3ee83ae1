import { z } from "@hono/zod-openapi";
import {
  DEFAULT_CONCURRENCY,
  ENDPOINT_STATES,
  MASK,
  MAX_PER_SECOND_LIMIT,
  PAUSE_REASONS,
  WEBHOOK_ORDERINGS,
  type WebhookInput,
} from "../../domain/webhook";
import { TRIGGERS, WEBHOOK_METHODS } from "../../lib/types";
import { Timestamp, withDefaults } from "../common.schemas";
import { IntegrationIdParams } from "../integrations/integrations.schemas";

export const WebhookParams = IntegrationIdParams.extend({
  webhook_id: z.string().openapi({
    param: { name: "webhook_id", in: "path" },
    description: "The webhook's id (`whk_...`), one of the integration's.",
    example: "whk_1a3c5e7g9i0k2m4o6q8s",
  }),
});

/** Headers Weft sets itself on every attempt (§6): a webhook may not set or override them. */
const RESERVED_HEADERS = new Set([
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "user-agent",
  "content-type",
  "content-length",
  "host",
]);
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space, tab and obs-text; no CR, LF or NUL (no header injection).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const Headers = z
  .record(z.string(), z.string().max(4096))
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > 20) ctx.addIssue({ code: "custom", message: "At most 20 headers." });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      const path = [name];
      if (!HTTP_TOKEN.test(name)) {
        ctx.addIssue({ code: "custom", path, message: "Not a valid HTTP header name." });
      } else if (RESERVED_HEADERS.has(lower) || lower.startsWith("x-weft-")) {
        ctx.addIssue({ code: "custom", path, message: "Weft sets this header itself." });
      } else if (seen.has(lower)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: "The same header twice (names ignore case).",
        });
      }
      seen.add(lower);
      if (!HEADER_VALUE.test(headers[name])) {
        ctx.addIssue({
          code: "custom",
          path,
          message: "Header values may not hold control characters.",
        });
      }
    }
  })
  .transform((headers) =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
  )
  .openapi({
    description:
      "Custom headers sent on every attempt. Write-only: reads show the names with values masked. Names Weft sets (`webhook-*`, `user-agent`, `content-type`, `content-length`, `host`, `x-weft-*`) are refused. Names are stored lower-case. On update, `headers` replaces the whole set.",
    example: { authorization: "Bearer crm-token" },
  });

const EventUids = z
  .union([z.array(z.string().min(1).max(64)).max(500), z.string().max(32_000)])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(","))
      .map((uid) => uid.trim())
      .filter((uid) => uid !== ""),
  )
  .openapi({
    description:
      'Events this webhook fires for (empty: every event). An array, or one comma-separated string (`"evt_a, evt_b"`). Each must be an event of the account (`VALIDATION_FAILED` naming `event_uids.N`).',
    example: ["evt_5n2c8x1m4q7w9z3b0k6j"],
  });

const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Push to CRM" }),
  trigger: z.enum(TRIGGERS).openapi({ example: "guest.create" }),
  url: z.string().min(1).max(2048).openapi({
    description:
      "https only (http only where `ALLOW_HTTP_TARGETS=true`); no credentials; no localhost or private, loopback, link-local or reserved IP literal unless `ALLOW_PRIVATE_TARGETS=true`.",
    example: "https://crm.example.com/hooks/weft",
  }),
  method: z.enum(WEBHOOK_METHODS).openapi({ example: "POST" }),
  headers: Headers,
  event_uids: EventUids,
  enabled: z.boolean().openapi({ example: true }),
  max_per_second: z
    .number()
    .int()
    .min(1)
    .max(MAX_PER_SECOND_LIMIT)
    .nullable()
    .openapi({
      description: `At most this many requests a second to this webhook (1 to ${MAX_PER_SECOND_LIMIT}); \`null\`: no rate, only the ${DEFAULT_CONCURRENCY} requests in flight at once every webhook gets. Deliveries over the rate wait their turn; none is dropped.`,
      example: 5,
    }),
  ordering: z.enum(WEBHOOK_ORDERINGS).openapi({
    description:
      '`"none"` (default, the fastest): deliveries go out as they come. `"per_subject"`: a change to an attendee or event is sent only once every earlier change to the same one has been delivered or has failed for good.',
    example: "none",
  }),
};

const example = {
  name: "Push to CRM",
  trigger: "guest.create",
  url: "https://crm.example.com/hooks/weft",
  method: "POST",
  headers: { authorization: "Bearer crm-token" },
  event_uids: ["evt_5n2c8x1m4q7w9z3b0k6j"],
  enabled: true,
  max_per_second: 5,
  ordering: "none",
};

export const CreateWebhookBody = withDefaults(
  z.strictObject({
    name: fields.name,
    trigger: fields.trigger,
    url: fields.url,
    method: fields.method.optional().openapi({ description: "Default POST." }),
    headers: fields.headers.optional(),
    event_uids: fields.event_uids.optional(),
    enabled: fields.enabled.optional().openapi({ description: "Default true." }),
    max_per_second: fields.max_per_second.optional().openapi({ description: "Default null." }),
    ordering: fields.ordering.optional().openapi({ description: 'Default "none".' }),
  }),
  {
    method: "POST",
    headers: {},
    event_uids: [],
    enabled: true,
    max_per_second: null,
    ordering: "none",
  },
).openapi("CreateWebhook", {
  description:
    "`name`, `trigger` and `url` are required; absent properties take their defaults (POST, no headers, every event, enabled, no rate, unordered).",
  example,
}) satisfies z.ZodType<WebhookInput>;

export const UpdateWebhookBody = z
  .strictObject({
    name: fields.name.optional(),
    trigger: fields.trigger.optional(),
    url: fields.url.optional(),
    method: fields.method.optional(),
    headers: fields.headers.optional(),
    event_uids: fields.event_uids.optional(),
    enabled: fields.enabled.optional(),
    max_per_second: fields.max_per_second.optional(),
    ordering: fields.ordering.optional(),
  })
  .openapi("UpdateWebhook", {
    description:
      "Every property optional. `enabled: true` re-enables a disabled webhook and clears `disabled_reason`.",
    example: { enabled: true, event_uids: "evt_5n2c8x1m4q7w9z3b0k6j, evt_9z8y7x6w5v4u3t2s1r0q" },
  }) satisfies z.ZodType<Partial<WebhookInput>>;

export const WEBHOOK_EXAMPLE = {
  id: "whk_1a3c5e7g9i0k2m4o6q8s",
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  ...example,
  headers: { authorization: MASK },
  disabled_reason: null,
  state: "active",
  paused_until: null,
  state_reason: null,
  secret_prefix: "whsec_haFg",
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:00:00.000Z",
};

export const WebhookSchema = z
  .object({
    id: z.string(),
    integration_id: z.string(),
    name: z.string(),
    trigger: z.enum(TRIGGERS),
    url: z.string(),
    method: z.enum(WEBHOOK_METHODS),
    headers: z.record(z.string(), z.literal(MASK)),
    event_uids: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable().openapi({
      description:
        '`"gone"` (the target answered 410) or `"failing"` (every attempt failed for 5 days).',
    }),
    max_per_second: z.number().int().nullable(),
    ordering: z.enum(WEBHOOK_ORDERINGS),
    state: z.enum(ENDPOINT_STATES).openapi({
      description:
        'Read-only, set by Weft. `"active"`: deliveries flow. `"paused"`: nothing is sent before `paused_until` (deliveries wait, none is dropped or spends an attempt). `"probing"`: the pause is over and one request at a time decides: a success resumes, a failure pauses again for twice as long (30 s up to 30 min).',
      example: "active",
    }),
    paused_until: Timestamp.nullable().openapi({
      description: "Read-only: while `paused`, when Weft tries again.",
    }),
    state_reason: z.enum(PAUSE_REASONS).nullable().openapi({
      description:
        'Read-only: why it is paused or probing. `"failing"`: 5 failed attempts in a row (no answer, timeout, 5xx, 408, 429). `"retry_after"`: the receiver answered 429 or 503 with `retry-after`, and the whole webhook waits that long.',
    }),
    secret_prefix: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Webhook", { example: WEBHOOK_EXAMPLE });

export const CREATED_WEBHOOK_EXAMPLE = {
  ...WEBHOOK_EXAMPLE,
  secret: "whsec_haFg5Kx3AzU/gURrlELqktEohc2rkb8rdmhP+t0IYDw=",
};

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description:
      "The signing secret (`whsec_` + base64 of 32 bytes). Shown only here and by `secret/rotate`: keep it to verify deliveries.",
  }),
}).openapi("CreatedWebhook", { example: CREATED_WEBHOOK_EXAMPLE });

export const ROTATED_SECRET_EXAMPLE = {
  secret: "whsec_aEeabI5MvGp26O45ha6eXWi+50lX8e4RyAK7DgH+BXw=",
};

export const RotatedSecretSchema = z
  .object({ secret: z.string() })
  .openapi("RotatedWebhookSecret", { example: ROTATED_SECRET_EXAMPLE });
