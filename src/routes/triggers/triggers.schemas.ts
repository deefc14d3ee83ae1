import { z } from "@hono/zod-openapi";
import { TRIGGER_OUTCOMES, TRIGGER_STATUSES } from "../../domain/trigger";
import { TRIGGERS } from "../../lib/types";
import { dateTimeFilter, PaginationQuery, Timestamp } from "../common.schemas";
import { DELIVERY_EXAMPLE, DeliverySchema } from "../deliveries/deliveries.schemas";

export const TRIGGER_EXAMPLE = {
  id: "trg_3k9w2m7q1x5c8v4b0n6z",
  type: "guest.update",
  event_uid: "evt_5n2c8x1m4q7w9z3b0k6j",
  profile_uid: "prf_7d3k9w2m5q8x1c4v6b0n",
  subject_uid: "gst_8q3x1m7c4w9z2b5n0k6j",
  cause: "payment",
  webhook_id: null,
  status: "processed",
  outcome: "payment_not_enabled",
  delivery_count: 0,
  error: null,
  created_at: "2026-05-01T09:00:00.000Z",
  processed_at: "2026-05-01T09:00:00.120Z",
};

const OUTCOMES_DESCRIPTION =
  "What fan-out made of the trigger: `fired` (it created `delivery_count` deliveries), or the first reason no webhook fired, in the order a trigger meets them: `no_active_integration` (no integration applies to the event), `integration_webhooks_disabled` (the integration's webhooks switch is off), `event_webhooks_disabled` (the event's override switches webhooks off), `payment_not_enabled` (a payment, while fire on payment is off for the event), `no_webhook_for_trigger` (no webhook of the integration listens to this trigger), `event_not_in_event_uids` (its webhooks name other events), `webhook_disabled` (the webhooks that would fire are disabled). Null until the trigger is processed.";

export const TriggerSchema = z
  .object({
    id: z.string(),
    type: z.enum(TRIGGERS).openapi({ description: "The trigger (what happened)." }),
    event_uid: z.string(),
    profile_uid: z.string(),
    subject_uid: z
      .string()
      .openapi({ description: "The attendee (`guest.*`) or the event (`event.*`) it is about." }),
    cause: z.string().nullable().openapi({
      description: 'Why a `guest.update` happened, when it is not an edit: `"payment"`.',
    }),
    webhook_id: z
      .string()
      .nullable()
      .openapi({ description: "The webhook a manual action ran; null for other triggers." }),
    status: z.enum(TRIGGER_STATUSES).openapi({
      description:
        "`pending` until fan-out handles it (a moment after the change), `processed` after, `failed` when its message was dead-lettered (see `error`).",
    }),
    outcome: z.enum(TRIGGER_OUTCOMES).nullable().openapi({ description: OUTCOMES_DESCRIPTION }),
    delivery_count: z.number().int().openapi({ description: "The deliveries it created." }),
    error: z.string().nullable().openapi({ description: "Why it ended `failed`." }),
    created_at: Timestamp,
    processed_at: Timestamp.nullable(),
  })
  .openapi("Trigger", { example: TRIGGER_EXAMPLE });

export const TriggerWithDeliveriesSchema = TriggerSchema.extend({
  deliveries: z.array(DeliverySchema).openapi({ description: "Its deliveries, oldest first." }),
}).openapi("TriggerWithDeliveries", {
  example: { ...TRIGGER_EXAMPLE, deliveries: [] },
});

export const FIRED_EXAMPLE = {
  ...TRIGGER_EXAMPLE,
  id: DELIVERY_EXAMPLE.id.replace("dlv_", "trg_"),
  type: "guest.create",
  cause: null,
  outcome: "fired",
  delivery_count: 1,
  deliveries: [DELIVERY_EXAMPLE],
};

export const ListTriggersQuery = PaginationQuery.extend({
  event_uid: z.string().optional().openapi({ description: "Only this event's triggers." }),
  subject_uid: z
    .string()
    .optional()
    .openapi({ description: "Only the triggers about this attendee or event." }),
  type: z.enum(TRIGGERS).optional().openapi({ description: "Only this trigger." }),
  outcome: z.enum(TRIGGER_OUTCOMES).optional().openapi({ description: "Only this outcome." }),
  since: dateTimeFilter("Only triggers created at or after this time (RFC 3339)."),
});

export const TriggerIdParams = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: "The trigger's id (`trg_...`).",
    example: TRIGGER_EXAMPLE.id,
  }),
});
