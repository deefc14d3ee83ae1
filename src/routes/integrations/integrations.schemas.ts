import { z } from "@hono/zod-openapi";
import type { IntegrationInput } from "../../domain/integration";
import { FIELD_TYPES } from "../../lib/types";
import { MAX_GRACE_SECONDS } from "../../services/integration-keys";
import { Timestamp, withDefaults } from "../common.schemas";
import { FieldMappingSchema } from "../field-mapping.schemas";
import { checkFieldOptions, FieldNameSchema, FieldOptionsSchema } from "../form-fields.schemas";

export const IntegrationIdParams = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path" },
    description: "The integration's id (`int_...`).",
    example: "int_5t8w1q3z9x0c2v4b6n7m",
  }),
});

export const IntegrationKeyParams = IntegrationIdParams.extend({
  key_id: z.string().openapi({
    param: { name: "key_id", in: "path" },
    description: "The integration key's id (`key_...`), not its secret.",
    example: "key_4m2x9q0c7w1z5b8n3k6j",
  }),
});

/** A field of the fixed configuration: the event form field shape, without `locked`. */
export const FixedFieldSchema = withDefaults(
  z
    .strictObject({
      name: FieldNameSchema.openapi({ example: "cpy_vat_number" }),
      label: z.string().trim().min(1).max(200).openapi({ example: "VAT" }),
      type: z.enum(FIELD_TYPES).openapi({ example: "text" }),
      required: z.boolean().optional().openapi({ description: "Default false.", example: true }),
      options: FieldOptionsSchema.optional(),
    })
    .superRefine(checkFieldOptions),
  { required: false },
).openapi("FixedField");

export const FixedConfigurationSchema = z
  .strictObject({
    fields: z
      .array(FixedFieldSchema)
      .max(100)
      .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, {
        message: "Each field `name` may appear only once.",
      }),
  })
  .openapi("FixedConfiguration", {
    example: { fields: [{ name: "cpy_vat_number", label: "VAT", type: "text", required: true }] },
  });

const ProfileUids = z
  .array(z.string().min(1).max(64))
  .max(1000)
  .openapi({
    description: "Profiles the integration's keys may read and on which it may be activated.",
    example: ["prf_2k8x4m1q9c7w3z5b0n6j"],
  });

const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "CRM sync" }),
  profile_uids: ProfileUids,
  api_access: z.boolean().openapi({
    description:
      "Whether the integration's keys work (within their scopes, on the linked profiles). Default **false** on create: turn it on when the other system needs the API (integrations created before this default keep their value).",
    example: true,
  }),
  webhooks_enabled: z.boolean().openapi({
    description: "Whether its webhooks fire. Default true on create.",
    example: true,
  }),
  fixed_configuration: FixedConfigurationSchema,
  field_mapping: FieldMappingSchema,
};

const example = {
  name: "CRM sync",
  profile_uids: ["prf_2k8x4m1q9c7w3z5b0n6j"],
  api_access: true,
  webhooks_enabled: true,
  fixed_configuration: {
    fields: [{ name: "cpy_vat_number", label: "VAT", type: "text", required: true }],
  },
  field_mapping: [
    { name: "contact_email", mapped_to: "email" },
    { name: "source", value: "weft" },
  ],
};

export const CreateIntegrationBody = withDefaults(
  z.strictObject({
    name: fields.name,
    profile_uids: fields.profile_uids.optional(),
    api_access: fields.api_access.optional(),
    webhooks_enabled: fields.webhooks_enabled.optional(),
    fixed_configuration: fields.fixed_configuration.optional(),
    field_mapping: fields.field_mapping.optional(),
  }),
  {
    profile_uids: [],
    api_access: false,
    webhooks_enabled: true,
    fixed_configuration: { fields: [] },
    field_mapping: [],
  },
).openapi("CreateIntegration", {
  description:
    "Only `name` is required; absent properties take their defaults (no profiles, `api_access` false, `webhooks_enabled` true, no fixed fields, an empty mapping).",
  example,
}) satisfies z.ZodType<IntegrationInput>;

export const UpdateIntegrationBody = z
  .strictObject({
    name: fields.name.optional(),
    profile_uids: fields.profile_uids.optional(),
    api_access: fields.api_access.optional(),
    webhooks_enabled: fields.webhooks_enabled.optional(),
    fixed_configuration: fields.fixed_configuration.optional(),
    field_mapping: fields.field_mapping.optional(),
  })
  .openapi("UpdateIntegration", {
    description:
      "Every property optional. `profile_uids` replaces the list: a profile no longer listed is unlinked and the integration is deactivated on it.",
    example: { api_access: false, profile_uids: [] },
  }) satisfies z.ZodType<Partial<IntegrationInput>>;

export const INTEGRATION_EXAMPLE = {
  id: "int_5t8w1q3z9x0c2v4b6n7m",
  ...example,
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:00:00.000Z",
};

export const IntegrationSchema = z
  .object({
    id: z.string().openapi({ description: "`int_...`" }),
    name: z.string(),
    profile_uids: z.array(z.string()).openapi({
      description: "The linked profiles: its keys read them; it may be activated on them.",
    }),
    api_access: z.boolean(),
    webhooks_enabled: z.boolean(),
    fixed_configuration: z.object({
      fields: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          type: z.enum(FIELD_TYPES),
          required: z.boolean(),
          options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
        }),
      ),
    }),
    field_mapping: FieldMappingSchema,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Integration", { example: INTEGRATION_EXAMPLE });

export const RotateKeyBody = z
  .strictObject({
    grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).optional().openapi({
      description:
        "How long the old key keeps working (default 86400, at most 604800; 0 ends it now).",
      example: 3600,
    }),
  })
  .openapi("RotateKey", { example: { grace_seconds: 3600 } });
