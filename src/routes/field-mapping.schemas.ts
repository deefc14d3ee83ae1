import { z } from "@hono/zod-openapi";

const MappingName = z.string().min(1).max(100).openapi({ example: "contact_email" });

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
      value: z.json().openapi({ description: "A fixed JSON value.", example: "weft" }),
    }),
  ])
  .openapi("MappingEntry");

export const FieldMappingSchema = z
  .array(MappingEntrySchema)
  .max(200)
  .refine((entries) => new Set(entries.map((e) => e.name)).size === entries.length, {
    message: "Each `name` may appear only once.",
  })
  .openapi("FieldMapping", {
    example: [
      { name: "contact_email", mapped_to: "email" },
      { name: "source", value: "weft" },
    ],
  });

export const FieldMappingBody = z
  .strictObject({ field_mapping: FieldMappingSchema })
  .openapi("FieldMappingBody");
