import { z } from "@hono/zod-openapi";
import { SYSTEM_FIELD_NAMES } from "../domain/attendee";

/** What event forms and integrations' fixed configurations share about a field. */

const SYSTEM_NAMES = new Set<string>(SYSTEM_FIELD_NAMES);

export const FieldOptionSchema = z
  .strictObject({
    value: z.string().min(1).max(200).openapi({ example: "veg" }),
    label: z.string().min(1).max(200).openapi({ example: "Vegetarian" }),
  })
  .openapi("FieldOption");

export const FieldNameSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, "Lowercase letters, digits and _, starting with a letter.")
  .refine((name) => !SYSTEM_NAMES.has(name), "This name is an attendee system field.");

export const FieldOptionsSchema = z.array(FieldOptionSchema).min(1).max(500).openapi({
  description: "Required (non-empty) for select and multiselect; refused for other types.",
});

/** select/multiselect need options with unique values; other types have none. */
export function checkFieldOptions(
  field: { type: string; options?: { value: string }[] },
  ctx: z.RefinementCtx,
) {
  const choice = field.type === "select" || field.type === "multiselect";
  if (choice && !field.options) {
    ctx.addIssue({ code: "custom", path: ["options"], message: `A ${field.type} needs options.` });
  }
  if (!choice && field.options) {
    ctx.addIssue({ code: "custom", path: ["options"], message: `A ${field.type} has no options.` });
  }
  const values = field.options?.map((option) => option.value) ?? [];
  if (new Set(values).size !== values.length) {
    ctx.addIssue({ code: "custom", path: ["options"], message: "Option values must be unique." });
  }
}
