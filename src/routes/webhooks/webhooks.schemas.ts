import { z } from "@hono/zod-openapi";
import { MASK, type WebhookInput } from "../../domain/webhook";
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
};

const example = {
  name: "Push to CRM",
  trigger: "guest.create",
  url: "https://crm.example.com/hooks/weft",
  method: "POST",
  headers: { authorization: "Bearer crm-token" },
  event_uids: ["evt_5n2c8x1m4q7w9z3b0k6j"],
  enabled: true,
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
  }),
  { method: "POST", headers: {}, event_uids: [], enabled: true },
).openapi("CreateWebhook", {
  description:
    "`name`, `trigger` and `url` are required; absent properties take their defaults (POST, no headers, every event, enabled).",
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
