import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES } from "../../domain/delivery";
import { OPERATIONAL_EVENTS, TRIGGERS } from "../../lib/types";
import { DateTimeInput, dateTimeFilter, PaginationQuery, Timestamp } from "../common.schemas";

export const DELIVERY_EXAMPLE = {
  id: "dlv_0p9o8i7u6y5t4r3e2w1q",
  webhook_id: "whk_1a3c5e7g9i0k2m4o6q8s",
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  trigger: "guest.create",
  event_uid: "evt_5n2c8x1m4q7w9z3b0k6j",
  entity_uid: "gst_8q3x1m7c4w9z2b5n0k6j",
  status: "delivered",
  attempt_count: 1,
  next_attempt_at: null,
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:00:00.412Z",
};

export const ATTEMPT_EXAMPLE = {
  attempt: 1,
  started_at: "2026-05-01T09:00:00.105Z",
  duration_ms: 212,
  status_code: 200,
  error: null,
  response_excerpt: "ok",
};

export const DeliverySchema = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    integration_id: z.string().nullable().openapi({
      description: "The webhook's integration; null for an operational endpoint's delivery.",
    }),
    trigger: z.enum([...TRIGGERS, ...OPERATIONAL_EVENTS]).openapi({
      description:
        "The trigger, or for an operational endpoint's delivery the notification (`webhook.disabled`, `webhook.failing`, `integration_key.expiring`).",
    }),
    event_uid: z.string().openapi({
      description: "The event concerned; empty for an operational notification (about no event).",
    }),
    entity_uid: z.string().openapi({
      description:
        "The event or attendee the trigger is about; for an operational notification, the webhook or key.",
    }),
    status: z.enum(DELIVERY_STATUSES),
    attempt_count: z.number().int(),
    next_attempt_at: Timestamp.nullable().openapi({
      description: "When the next attempt is due; null once delivered or failed.",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Delivery", { example: DELIVERY_EXAMPLE });

export const DeliveryAttemptSchema = z
  .object({
    attempt: z.number().int().openapi({ description: "1 for the first attempt." }),
    started_at: Timestamp,
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable().openapi({
      description: "The receiver's HTTP status; null when no answer came (timeout, refused).",
    }),
    error: z.string().nullable().openapi({ description: "Why the attempt failed; null on 2xx." }),
    response_excerpt: z
      .string()
      .nullable()
      .openapi({ description: "The first 2 KB of the receiver's answer." }),
  })
  .openapi("DeliveryAttempt", { example: ATTEMPT_EXAMPLE });

export const DeliveryWithAttemptsSchema = DeliverySchema.extend({
  attempts: z.array(DeliveryAttemptSchema),
}).openapi("DeliveryWithAttempts", {
  example: { ...DELIVERY_EXAMPLE, attempts: [ATTEMPT_EXAMPLE] },
});

export const ListDeliveriesQuery = PaginationQuery.extend({
  webhook_id: z.string().optional().openapi({ description: "Only this webhook's deliveries." }),
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ description: "Only deliveries in this state." }),
  trigger: z.enum(TRIGGERS).optional().openapi({ description: "Only deliveries of this trigger." }),
  since: dateTimeFilter("Only deliveries created at or after this time (RFC 3339)."),
});

export const DeliveryIdParams = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: "The delivery's id (`dlv_...`), also the `webhook-id` header it was sent with.",
    example: "dlv_0p9o8i7u6y5t4r3e2w1q",
  }),
});

export const RecoverBody = z
  .strictObject({
    since: DateTimeInput.openapi({
      description: "Redeliver the failed deliveries created at or after this time.",
    }),
  })
  .openapi("RecoverDeliveries", { example: { since: "2026-05-01T00:00:00Z" } });

export const RECOVERED_EXAMPLE = { count: 1, delivery_ids: ["dlv_0p9o8i7u6y5t4r3e2w1q"] };

export const RecoveredSchema = z
  .object({
    count: z.number().int(),
    delivery_ids: z.array(z.string()),
  })
  .openapi("RecoveredDeliveries", { example: RECOVERED_EXAMPLE });
