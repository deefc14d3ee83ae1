import { z } from "@hono/zod-openapi";
import type { OverrideInput } from "../../domain/override";
import { Timestamp, withDefaults } from "../common.schemas";
import { FieldMappingSchema } from "../field-mapping.schemas";

const example = {
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  field_mapping: [{ name: "ticket_type", value: "VIP" }],
  mapping_mode: "merge",
  fire_on_payment: true,
};

export const OverrideBody = withDefaults(
  z.strictObject({
    integration_id: z.string().min(1).max(64).nullable().optional().openapi({
      description:
        "The integration the event's triggers use instead of the profile's active one; null (the default) keeps the profile's.",
      example: "int_5t8w1q3z9x0c2v4b6n7m",
    }),
    field_mapping: FieldMappingSchema.optional(),
    mapping_mode: z.enum(["merge", "replace"]).optional().openapi({
      description:
        "`merge` (the default) adds this mapping after the inherited ones; `replace` drops the account, integration and profile mappings for this event.",
    }),
    fire_on_payment: z.boolean().optional().openapi({
      description:
        "Whether a payment fires `guest.update` (with `x-weft-cause: payment`). Default false.",
    }),
  }),
  { integration_id: null, field_mapping: [], mapping_mode: "merge", fire_on_payment: false },
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
    fire_on_payment: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("EventOverride", { example: OVERRIDE_EXAMPLE });
