import { z } from "@hono/zod-openapi";
import { serializeTemplate } from "../../domain/integration-templates";
import { slack } from "../../domain/integration-templates/slack";
import { BODY_ENCODINGS } from "../../domain/webhook-content";
import { TRIGGERS, WEBHOOK_METHODS } from "../../lib/types";
import { PaginationQuery } from "../common.schemas";
import { FieldMappingSchema } from "../field-mapping.schemas";
import { FixedConfigurationSchema } from "../integrations/integrations.schemas";
import { PayloadTemplateSchema } from "../webhooks/webhooks.schemas";

export const INTEGRATION_TEMPLATE_EXAMPLE = serializeTemplate(slack);

export const TemplateListQuery = PaginationQuery.pick({ page: true, page_size: true });

export const TemplateIdParams = z.object({
  id: z.string().openapi({
    param: { name: "id", in: "path", description: "The template's id, as the catalogue lists it." },
    example: "slack",
  }),
});

const ParamSchema = z
  .object({
    name: z.string(),
    type: z.enum(["string", "url"]).openapi({
      description:
        "`url`: an absolute URL, checked by the webhook URL policy (https; `hosts` where given).",
    }),
    description: z.string(),
    secret: z.boolean().openapi({
      description:
        "A credential: it becomes an encrypted webhook header, or an encrypted `secret_url`, and is never shown again.",
    }),
    required: z.boolean().openapi({
      description: "Whether it must be given: a parameter with a default never is.",
    }),
    schema: z
      .object({
        type: z.literal("string"),
        format: z.literal("uri").optional(),
        pattern: z.string().optional(),
        enum: z.array(z.string()).optional(),
        default: z.string().optional(),
        examples: z.array(z.string()),
      })
      .openapi({
        description:
          "What a value must be, as JSON Schema: a string, a URI for `url` parameters, matching `pattern` (a regular expression) or one of `enum`, with `default` when it has one.",
      }),
    hosts: z.array(z.string()).nullable().openapi({
      description:
        'The hosts a URL may have; one starting with "." allows its subdomains. Not enforced where the deployment allows private targets (local development), so a stand-in can play the service.',
    }),
  })
  .openapi("IntegrationTemplateParam");

const PlannedWebhookSchema = z.object({
  name: z.string(),
  trigger: z.enum(TRIGGERS),
  method: z.enum(WEBHOOK_METHODS),
  url: z.string(),
  secret_url: z.boolean(),
  headers: z.record(z.string(), z.string()),
  body_encoding: z.enum(BODY_ENCODINGS),
  payload_template: PayloadTemplateSchema,
});

export const IntegrationTemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    documentation_url: z.string().openapi({
      description: "The service's public documentation of the request the template makes.",
    }),
    params: z.array(ParamSchema),
    creates: z
      .object({
        webhooks: z.array(PlannedWebhookSchema),
        field_mapping: FieldMappingSchema,
        fixed_configuration: FixedConfigurationSchema,
      })
      .openapi({
        description:
          "What `POST /v1/integrations` with this template creates: `<name>` stands for a parameter's value, filled in at creation; `{{ }}` placeholders are rendered per delivery, as in any payload template.",
      }),
  })
  .openapi("IntegrationTemplate", { example: INTEGRATION_TEMPLATE_EXAMPLE });
