import { z } from "@hono/zod-openapi";
import type { OverrideInput } from "../../domain/override";
import { Timestamp, withDefaults } from "../common.schemas";
import { FieldMappingSchema } from "../field-mapping.schemas";

const example = {
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  field_mapping: [{ name: "ticket_type", value: "VIP" }],
  mapping_mode: "merge",
  fire_on_payment: true,
  webhooks_enabled: true,
};

export const OverrideBody = withDefaults(
  z.strictObject({
    integration_id: z.string().min(1).max(64).nullable().optional().openapi({
      description:
        "The integration the event's triggers use instead of the profile's active one; null (the default) keeps the profile's. It must be linked to the event's profile (`profile_uids`), else 422: its keys then read the event its webhooks send (`VALIDATION_FAILED` for an unknown id).",
      example: "int_5t8w1q3z9x0c2v4b6n7m",
    }),
    field_mapping: FieldMappingSchema.optional(),
    mapping_mode: z.enum(["merge", "replace"]).optional().openapi({
      description:
        "`merge` (the default) adds this mapping after the inherited ones; `replace` drops the account, integration and profile mappings for this event.",
    }),
    fire_on_payment: z.boolean().nullable().optional().openapi({
      description:
        "Whether a payment fires `guest.update` (with `x-weft-cause: payment`) for this event; null (the default) follows the profile's `fire_on_payment`.",
    }),
    webhooks_enabled: z.boolean().optional().openapi({
      description:
        "`false` switches every webhook off for this event (the profile's integration's, or the override's). Default true.",
    }),
  }),
  {
    integration_id: null,
    field_mapping: [],
    mapping_mode: "merge",
    fire_on_payment: null,
    webhooks_enabled: true,
  },
).openapi("EventOverrideInput", {
  description:
    "Every property optional; absent ones take their defaults (a PUT replaces the override whole).",
  example,
}) satisfies z.ZodType<OverrideInput>;

export const OVERRIDE_EXAMPLE = {
  event_uid: "evt_5n2c8x1m4q7w9z3b0k6j",
  ...example,
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:00:00.000Z",
};

export const OverrideSchema = z
  .object({
    event_uid: z.string(),
    integration_id: z.string().nullable(),
    field_mapping: FieldMappingSchema,
    mapping_mode: z.enum(["merge", "replace"]),
    fire_on_payment: z.boolean().nullable().openapi({
      description: "null: the profile's `fire_on_payment` applies.",
    }),
    webhooks_enabled: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("EventOverride", { example: OVERRIDE_EXAMPLE });
