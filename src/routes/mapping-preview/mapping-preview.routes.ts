import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse, jsonBody } from "../common.schemas";
import { IntegrationIdParams } from "../integrations/integrations.schemas";
import {
  MAPPING_PREVIEW_EXAMPLE,
  MappingPreviewBody,
  MappingPreviewSchema,
} from "./mapping-preview.schemas";

export const previewMapping = createRoute({
  method: "post",
  path: "/integrations/{id}/mapping-preview",
  operationId: "previewFieldMapping",
  tags: ["Field mapping"],
  summary: "Preview an attendee through the integration's field mapping",
  description:
    "Admin key only. Shows a real attendee as this integration's key would read it and its `guest.*` webhooks would send it, through the effective mapping of the attendee's event (account -> integration -> profile -> event override). `field_mapping` tries unsaved mappings of any level first. Writes nothing and fires nothing. An unknown `attendee_uid` is a 404 naming it.",
  request: { params: IntegrationIdParams, body: jsonBody(MappingPreviewBody) },
  responses: {
    200: dataResponse(MappingPreviewSchema, "The mapped attendee.", MAPPING_PREVIEW_EXAMPLE),
    ...errorResponses(404, 413),
  },
});
