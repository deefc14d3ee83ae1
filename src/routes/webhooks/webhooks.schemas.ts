import { z } from "@hono/zod-openapi";
import { FILTER_NAMES, MAX_TEMPLATE_BYTES } from "../../domain/payload-template";
import {
  DEFAULT_CONCURRENCY,
  ENDPOINT_STATES,
  MASK,
  MAX_PER_SECOND_LIMIT,
  PAUSE_REASONS,
  WEBHOOK_ORDERINGS,
  type WebhookInput,
} from "../../domain/webhook";
import { BODY_ENCODINGS } from "../../domain/webhook-content";
import { type JsonValue, TRIGGERS, WEBHOOK_METHODS } from "../../lib/types";
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

const slackTemplate = { text: "New registration for {{event.name}}: {{firstname}} {{lastname}}" };

/** A JSON value that is not null (null means no template). z.json() is recursive, which the OpenAPI generator cannot walk. */
export const PayloadTemplateSchema = z
  .custom<JsonValue>((value) => value !== undefined, { message: "A JSON value is required." })
  .nullable()
  .openapi({
    type: ["string", "number", "integer", "boolean", "null", "array", "object"],
    additionalProperties: {},
    items: {},
    description: [
      "Builds the body (POST, PUT, PATCH) from the item instead of sending the item itself; `null`: no template.",
      "Any JSON: objects and arrays are copied, and each string may hold placeholders `{{ path | filter: arg }}`.",
      'A string that is exactly one placeholder becomes the value with its type (`"{{capacity}}"` stays a number, a missing field is `null`);',
      "other strings are text (null and missing as empty, objects and arrays as JSON).",
      "Paths start at the item (the mapped attendee, or the event: `{{email}}`, `{{answers.0}}`) or at `item`, `event` (the event, also for attendees),",
      "`trigger` or `account` (`{{account.name}}`). A guest template may name the attendee's system fields, Weft's native form fields",
      "(`title`, `firstname`, `lastname`, `email`, `phone`, `mobile_phone`, `job_title`, `cpy_name`, `cpy_city`, `cpy_country`, `free_fieldN`),",
      "the form fields of the account's events, the names of its field mappings (account, profiles, event overrides, this integration) and the integration's fixed fields;",
      "an event template the event's fields. Any other name is a 422 naming the entry (`payload_template.<entry>`).",
      `Filters: ${FILTER_NAMES.map((name) => `\`${name}\``).join(", ")} (\`default: "x"\`, \`date: "YYYY-MM-DD HH:mm"\` in UTC, \`join: ", "\`).`,
      `At most ${MAX_TEMPLATE_BYTES / 1024} KiB, 16 levels deep and 200 placeholders; the rendered body at most 64 KiB.`,
      "Rendered once, when the delivery is made: every attempt sends the same bytes; a rendering that fails makes a failed delivery whose attempt says why.",
    ].join(" "),
    example: slackTemplate,
  });

const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Push to CRM" }),
  trigger: z.enum(TRIGGERS).openapi({ example: "guest.create" }),
  url: z.string().min(1).max(2048).openapi({
    description:
      "https only (http only where `ALLOW_HTTP_TARGETS=true`); no credentials; no localhost or private, loopback, link-local or reserved IP literal unless `ALLOW_PRIVATE_TARGETS=true`. The path and query may hold placeholders, as in payload templates (`/members/{{email | lower | md5}}`): each value is percent-encoded, the scheme and host are written out, and the rendered URL is checked by the same policy before every attempt (422 naming `url` for a bad placeholder). A secret URL is shown as its scheme and host only.",
    example: "https://crm.example.com/hooks/weft",
  }),
  secret_url: z.boolean().openapi({
    description:
      "The URL is a credential (a Slack or Teams incoming-webhook URL, a Zapier catch hook): stored encrypted like header values, and reads show only its scheme and host. A secret URL holds no placeholders. On update, a new `url` keeps the webhook's setting unless `secret_url` is sent too.",
    example: false,
  }),
  payload_template: PayloadTemplateSchema,
  body_encoding: z.enum(BODY_ENCODINGS).openapi({
    description:
      "`json` (`content-type: application/json`), or `form`: the body's top-level keys as `application/x-www-form-urlencoded` fields (values as text; null as empty, objects and arrays as JSON), for receivers such as Salesforce web-to-lead. A form's template must be an object. The signature covers the bytes sent.",
    example: "json",
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
  secret_url: false,
  payload_template: { properties: { email: "{{email}}", firstname: "{{firstname}}" } },
  body_encoding: "json",
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
    secret_url: fields.secret_url.optional(),
    payload_template: fields.payload_template.optional(),
    body_encoding: fields.body_encoding.optional(),
  }),
  {
    method: "POST",
    headers: {},
    event_uids: [],
    enabled: true,
    max_per_second: null,
    ordering: "none",
    secret_url: false,
    payload_template: null,
    body_encoding: "json",
  },
).openapi("CreateWebhook", {
  description:
    "`name`, `trigger` and `url` are required; absent properties take their defaults (POST, no headers, every event, enabled, no rate, unordered, a public URL, no payload template, a JSON body).",
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
    secret_url: fields.secret_url.optional(),
    payload_template: fields.payload_template.optional(),
    body_encoding: fields.body_encoding.optional(),
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
    secret_url: z.boolean(),
    method: z.enum(WEBHOOK_METHODS),
    headers: z.record(z.string(), z.literal(MASK)),
    event_uids: z.array(z.string()),
    payload_template: PayloadTemplateSchema,
    body_encoding: z.enum(BODY_ENCODINGS),
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

export const PreviewWebhookBody = z
  .union([
    z.strictObject({
      attendee_uid: z.string().min(1).max(64).openapi({ example: "gst_3c5e7g9i1k2m4o6q8s0u" }),
    }),
    z.strictObject({
      event_uid: z.string().min(1).max(64).openapi({ example: "evt_2b4d6f8h0j1l3n5p7r9t" }),
    }),
  ])
  .openapi("PreviewWebhook", {
    description:
      "The attendee (guest triggers) or event (event triggers) to render the webhook for: exactly one of the two.",
    example: { attendee_uid: "gst_3c5e7g9i1k2m4o6q8s0u" },
  });

export const WEBHOOK_PREVIEW_EXAMPLE = {
  method: "POST",
  url: "https://hooks.slack.com/********",
  headers: {
    "webhook-id": "dlv_7y6t5r4e3w2q1a0s9d8f",
    "webhook-timestamp": "1777626000",
    "webhook-signature": `v1,${MASK}`,
    "content-type": "application/json",
    "x-weft-trigger": "guest.create",
    "x-weft-event-uid": "evt_2b4d6f8h0j1l3n5p7r9t",
    "x-weft-entity-uid": "gst_3c5e7g9i1k2m4o6q8s0u",
    "x-weft-attempt": "1",
    "user-agent": "Weft-Webhooks/1",
  },
  body: '{"text":"New registration for Annual Summit: Jane Doe"}',
};

export const WebhookPreviewSchema = z
  .object({
    method: z.enum(WEBHOOK_METHODS),
    url: z.string().openapi({
      description:
        "Rendered from the URL's placeholders; for GET and DELETE with `trigger`, `uid` and `event_uid` in the query. A secret URL shows its scheme and host only.",
    }),
    headers: z.record(z.string(), z.string()).openapi({
      description: `Every header of the request. The webhook's own header values and the signature are masked (\`${MASK}\`); \`webhook-id\` and \`webhook-timestamp\` are examples: each delivery has its own.`,
    }),
    body: z.string().nullable().openapi({
      description:
        "The body exactly as it would be sent (JSON, or form fields with `body_encoding: form`); null for GET and DELETE.",
    }),
  })
  .openapi("WebhookPreview", { example: WEBHOOK_PREVIEW_EXAMPLE });
