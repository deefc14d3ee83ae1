import { z } from "@hono/zod-openapi";
import type { CreateIntegrationInput, IntegrationInput } from "../../domain/integration";
import { TEMPLATE_IDS } from "../../domain/integration-templates";
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
  z
    .strictObject({
      name: fields.name.optional().openapi({
        description:
          "Required, unless `template` is given (it then defaults to the template's name).",
      }),
      template: z.enum(TEMPLATE_IDS).optional().openapi({
        description:
          "Creates the integration from this catalogue template (`GET /v1/integration-templates`): with its webhooks, their payload templates, mapping and fixed configuration, all in one write. The result is an ordinary integration, edited like any other; `template_id` keeps where it came from.",
        example: "slack",
      }),
      params: z
        .record(z.string(), z.unknown())
        .optional()
        .openapi({
          description:
            "The template's parameters, checked by its own rules: a missing, unknown or malformed one is `UNPROCESSABLE` naming `params.<name>`. Secret ones become encrypted webhook headers or an encrypted (`secret_url`) webhook URL.",
          example: { webhook_url: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX" },
        }),
      profile_uids: fields.profile_uids.optional(),
      api_access: fields.api_access.optional(),
      webhooks_enabled: fields.webhooks_enabled.optional(),
      fixed_configuration: fields.fixed_configuration.optional(),
      field_mapping: fields.field_mapping.optional(),
    })
    .superRefine((body, ctx) => {
      const issue = (path: string, message: string) =>
        ctx.addIssue({ code: "custom", path: [path], message });
      if (body.template === undefined) {
        if (body.name === undefined) {
          issue("name", "Required, unless the integration comes from a `template`.");
        }
        if (body.params !== undefined) issue("params", "Parameters go with a `template`.");
        return;
      }
      const fromTemplate = "Comes from the template; change it afterwards with PATCH.";
      if (body.field_mapping?.length) issue("field_mapping", fromTemplate);
      if (body.fixed_configuration?.fields.length) issue("fixed_configuration", fromTemplate);
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
    "`name` is required, unless `template` is given; absent properties take their defaults (no profiles, `api_access` false, `webhooks_enabled` true, no fixed fields, an empty mapping).",
  example,
}) satisfies z.ZodType<CreateIntegrationInput>;

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
  template_id: null,
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
    template_id: z.string().nullable().openapi({
      description:
        "The catalogue template it was created from (`GET /v1/integration-templates/{id}`), or null. Kept as it was when the integration is edited.",
      example: null,
    }),
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
