import { z } from "@hono/zod-openapi";
import type { JsonValue } from "../lib/types";

/**
 * Any JSON value. (z.json() is recursive, which the OpenAPI generator cannot walk.) `items` and
 * `additionalProperties` say what an array or object may hold, so generated types accept them.
 */
const FixedValue = z
  .custom<JsonValue>((value) => value !== undefined, { message: "A fixed JSON value is required." })
  .openapi({
    type: ["string", "number", "boolean", "null", "array", "object"],
    items: {},
    additionalProperties: {},
    description: "A fixed JSON value of any type, sent as is.",
    example: "weft",
  });

const MappingName = z
  .string()
  .min(1)
  .max(100)
  .openapi({ description: "The key in the mapped output.", example: "contact_email" });

export const MappingEntrySchema = z
  .union([
    z.strictObject({
      name: MappingName,
      mapped_to: z
        .string()
        .min(1)
        .max(200)
        .openapi({ description: "A native field name or a dotted path.", example: "email" }),
    }),
    z.strictObject({
      name: MappingName,
      value: FixedValue,
    }),
  ])
  .openapi("MappingEntry");

export const FieldMappingSchema = z
  .array(MappingEntrySchema)
  .max(200)
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.name)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: "Each `name` may appear only once.",
        });
      }
      seen.add(entry.name);
    });
  })
  .openapi("FieldMapping", {
    example: [
      { name: "contact_email", mapped_to: "email" },
      { name: "source", value: "weft" },
    ],
  });

export const FIELD_MAPPING_EXAMPLE = {
  field_mapping: [
    { name: "contact_email", mapped_to: "email" },
    { name: "source", value: "weft" },
  ],
};

export const FieldMappingBody = z
  .strictObject({ field_mapping: FieldMappingSchema })
  .openapi("FieldMappingBody", { example: FIELD_MAPPING_EXAMPLE });
