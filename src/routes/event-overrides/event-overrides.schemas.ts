import { z } from "@hono/zod-openapi";
import type { OverrideInput } from "../../domain/override";
import { Timestamp } from "../common.schemas";
import { FieldMappingSchema } from "../field-mapping.schemas";

const example = {
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  field_mapping: [{ name: "ticket_type", value: "VIP" }],
  mapping_mode: "merge",
  fire_on_payment: true,
};

export const OverrideBody = z
  .strictObject({
    integration_id: z.string().min(1).max(64).nullable().default(null).openapi({
      description:
        "The integration the event's triggers use instead of the profile's active one; null keeps the profile's.",
      example: "int_5t8w1q3z9x0c2v4b6n7m",
    }),
    field_mapping: FieldMappingSchema.default([]),
    mapping_mode: z.enum(["merge", "replace"]).default("merge").openapi({
      description: "`replace` drops the account, integration and profile mappings for this event.",
    }),
    fire_on_payment: z.boolean().default(false).openapi({
      description: "Whether a payment fires `guest.update` (with `x-weft-cause: payment`).",
    }),
  })
  .openapi("EventOverrideInput", { example }) satisfies z.ZodType<OverrideInput>;

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
  .openapi("EventOverride", {
    example: {
      event_uid: "evt_2b4d6f8h0j1l3n5p7r9t",
      ...example,
      created_at: "2026-05-01T09:00:00.000Z",
      updated_at: "2026-05-01T09:00:00.000Z",
    },
  });
