import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse, listResponse } from "../common.schemas";
import {
  INTEGRATION_TEMPLATE_EXAMPLE,
  IntegrationTemplateSchema,
  TemplateIdParams,
  TemplateListQuery,
} from "./integration-templates.schemas";

const tags = ["Integration templates"];

export const listTemplates = createRoute({
  method: "get",
  path: "/integration-templates",
  operationId: "listIntegrationTemplates",
  tags,
  summary: "List the integration templates",
  description:
    "Admin key only. The catalogue of native integrations: for each service, the parameters it needs and what it will create (`POST /v1/integrations` with `template` and `params`). The same for every account, in a fixed order.",
  request: { query: TemplateListQuery },
  responses: {
    200: listResponse(
      IntegrationTemplateSchema,
      "One page of templates.",
      INTEGRATION_TEMPLATE_EXAMPLE,
    ),
    ...errorResponses(),
  },
});

export const getTemplate = createRoute({
  method: "get",
  path: "/integration-templates/{id}",
  operationId: "getIntegrationTemplate",
  tags,
  summary: "Get an integration template",
  description: "Admin key only. One template of the catalogue, by its id (`slack`, `hubspot`...).",
  request: { params: TemplateIdParams },
  responses: {
    200: dataResponse(IntegrationTemplateSchema, "The template.", INTEGRATION_TEMPLATE_EXAMPLE),
    ...errorResponses(404),
  },
});
