import type { OpenAPIHono, z } from "@hono/zod-openapi";
import { TRIGGERS, type Trigger } from "../lib/types";
import {
  ATTENDEE_EXAMPLE,
  AttendeeReadSchema,
  MAPPED_ATTENDEE_EXAMPLE,
} from "../routes/attendees/attendees.schemas";
import { EVENT_EXAMPLE, EventSchema } from "../routes/events/events.schemas";

// The requests Weft sends (API.md §6), one OpenAPI 3.1 `webhooks` entry per trigger. Documented
// as POST, the default method; the description says what PUT, PATCH, GET and DELETE change.

type Registry = OpenAPIHono["openAPIRegistry"];

const WHEN: Record<Trigger, string> = {
  "event.create": "An event was created (`POST /v1/events`).",
  "event.update": "An event was changed (`PATCH /v1/events/{uid}`).",
  "event.delete":
    "An event was deleted (`DELETE /v1/events/{uid}`); the body is its last state. Its attendees go with it, without a `guest.delete` each.",
  "event.manual":
    "Someone ran this webhook as a manual action on the event (`POST /v1/events/{uid}/actions/{webhook_id}`).",
  "guest.create": "An attendee registered (`POST /v1/attendees`).",
  "guest.update":
    "An attendee was changed (`PATCH /v1/attendees/{uid}`), or paid while the event's override has `fire_on_payment` (then with `x-weft-cause: payment`).",
  "guest.delete":
    "An attendee was deleted (`DELETE /v1/attendees/{uid}`); the body is its last state.",
  "guest.manual":
    "Someone ran this webhook as a manual action on the attendee (`POST /v1/attendees/{uid}/actions/{webhook_id}`).",
};

/** The headers of every attempt, each a `components.parameters` entry. */
const HEADERS = {
  WebhookId: {
    name: "webhook-id",
    description: "The delivery id: the same on every retry and redelivery. Deduplicate on it.",
    example: "dlv_0p9o8i7u6y5t4r3e2w1q",
  },
  WebhookTimestamp: {
    name: "webhook-timestamp",
    description:
      "Unix seconds when this attempt was sent; refuse one far from now (Standard Webhooks libraries allow 5 minutes).",
    example: "1777626000",
  },
  WebhookSignature: {
    name: "webhook-signature",
    description:
      "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of your secret after `whsec_` (the body is empty for GET and DELETE). For 24 hours after a secret rotation there are two, space-separated: accept the request when any one matches.",
    example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
  },
  WeftTrigger: {
    name: "x-weft-trigger",
    description: "What happened: the webhook's trigger.",
    schema: { type: "string" as const, enum: [...TRIGGERS] },
    example: "guest.create",
  },
  WeftEventUid: {
    name: "x-weft-event-uid",
    description: "The event concerned.",
    example: EVENT_EXAMPLE.uid,
  },
  WeftEntityUid: {
    name: "x-weft-entity-uid",
    description: "The event or attendee the trigger is about.",
    example: ATTENDEE_EXAMPLE.uid,
  },
  WeftAttempt: {
    name: "x-weft-attempt",
    description: "1 for the first attempt, then 2, 3, ...",
    example: "1",
  },
  WebhookUserAgent: {
    name: "user-agent",
    description: "Always `Weft-Webhooks/1`.",
    schema: { type: "string" as const, const: "Weft-Webhooks/1" },
    example: "Weft-Webhooks/1",
  },
  WeftCause: {
    name: "x-weft-cause",
    required: false,
    description: "`payment` when a recorded payment caused this update; absent otherwise.",
    schema: { type: "string" as const, enum: ["payment"] },
  },
};
type HeaderName = keyof typeof HEADERS;
const parameter = (name: HeaderName) => ({ $ref: `#/components/parameters/${name}` });
const EVERY_ATTEMPT = (Object.keys(HEADERS) as HeaderName[]).filter((n) => n !== "WeftCause");

const DELIVERY_RULES =
  "Any 2xx within 15 seconds is a success. Other statuses, a timeout, a refused connection and redirects (never followed) are failures, retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (each ±20 %), then the delivery is `failed`.";

const METHODS =
  "Sent with the webhook's `method`: POST (shown here), PUT and PATCH carry this body; GET and DELETE send none and put `trigger`, `uid` (the event or attendee) and `event_uid` in the query string instead, signed over an empty body. A webhook with a `payload_template` sends what the template builds from this item instead (form-encoded with `body_encoding: form`), to its URL with the placeholders rendered; the signature covers the bytes sent.";

const EXAMPLES = {
  EventPayload: { summary: "The event", value: EVENT_EXAMPLE },
  MappedAttendeePayload: {
    summary: "With the mapping contact_email <- email, source = weft",
    value: MAPPED_ATTENDEE_EXAMPLE,
  },
  AttendeePayload: {
    summary: "With an empty mapping: the whole attendee",
    value: ATTENDEE_EXAMPLE,
  },
};
const example = (name: keyof typeof EXAMPLES) => ({ $ref: `#/components/examples/${name}` });

type Payload = {
  schema: z.ZodType;
  description: string;
  examples: Record<string, { $ref: string }>;
};

function payload(trigger: Trigger): Payload {
  if (trigger.startsWith("event.")) {
    return {
      schema: EventSchema,
      description:
        "The event exactly as `GET /v1/events/{uid}` returns it inside `data` (never mapped).",
      examples: { event: example("EventPayload") },
    };
  }
  return {
    schema: AttendeeReadSchema,
    description:
      "The attendee as `GET /v1/attendees/{uid}` returns it inside `data`, passed through the effective field mapping: only the mapping's keys when it has entries, the whole attendee when it is empty.",
    examples: { mapped: example("MappedAttendeePayload"), attendee: example("AttendeePayload") },
  };
}

/** How Weft takes a receiver's answer; one `components.responses` entry each. */
const ANSWERS = {
  WebhookDelivered: {
    description: `Delivered. ${DELIVERY_RULES} The first 2 KB of your answer are kept with the attempt.`,
  },
  WebhookGone: {
    description:
      'Gone: the delivery fails at once and the webhook is disabled (`disabled_reason: "gone"`).',
  },
  WebhookRetryLater: {
    description:
      "Retried after `retry-after` (seconds or an HTTP date, at most a day), or after the schedule's wait if that is longer. 503 is treated the same.",
    headers: {
      "retry-after": {
        description: "Seconds, or an HTTP date.",
        schema: { type: "string" as const, example: "120" },
      },
    },
  },
};
const answer = (name: keyof typeof ANSWERS) => ({ $ref: `#/components/responses/${name}` });

const camel = (trigger: string) => trigger.replace(/\.(\w)/, (_, c: string) => c.toUpperCase());

/** Registers one `webhooks` entry per trigger. */
export function registerWebhooks(registry: Registry) {
  for (const [name, value] of Object.entries(EXAMPLES)) {
    registry.registerComponent("examples", name, value);
  }
  for (const [name, value] of Object.entries(ANSWERS)) {
    registry.registerComponent("responses", name, value);
  }
  for (const [name, { schema, required, ...header }] of Object.entries(HEADERS) as Array<
    [string, { schema?: object; required?: boolean; name: string }]
  >) {
    registry.registerComponent("parameters", name, {
      in: "header",
      required: required ?? true,
      schema: schema ?? { type: "string" },
      ...header,
    });
  }
  for (const trigger of TRIGGERS) {
    const body = payload(trigger);
    registry.registerWebhook({
      method: "post",
      path: trigger,
      operationId: `${camel(trigger)}Webhook`,
      tags: ["Receiving webhooks"],
      summary: `${trigger}: ${WHEN[trigger].split(" (")[0].replace(/\.$/, "")}`,
      description: `${WHEN[trigger]} Sent to each enabled \`${trigger}\` webhook of the integration that applies (the event's override, else the one active on the profile, with \`webhooks_enabled\`) whose \`event_uids\` are empty or hold the event. ${METHODS} Verify \`webhook-signature\` before you trust the body (see "Receiving webhooks").`,
      security: [],
      parameters: [
        ...EVERY_ATTEMPT.map(parameter),
        ...(trigger === "guest.update" ? [parameter("WeftCause")] : []),
      ],
      request: {
        body: {
          description: body.description,
          required: true,
          content: { "application/json": { schema: body.schema, examples: body.examples } },
        },
      },
      responses: {
        200: answer("WebhookDelivered"),
        410: answer("WebhookGone"),
        429: answer("WebhookRetryLater"),
      },
    });
  }
}
