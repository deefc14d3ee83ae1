import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse } from "../common.schemas";
import { EventUidParams } from "../events/events.schemas";
import {
  EFFECTIVE_INTEGRATION_EXAMPLE,
  EffectiveIntegrationSchema,
} from "./effective-integration.schemas";

export const getEffectiveIntegration = createRoute({
  method: "get",
  path: "/events/{uid}/effective-integration",
  operationId: "getEffectiveIntegration",
  tags: ["Event overrides"],
  summary: "What applies to the event, and why",
  description:
    "Admin key only. Which integration applies to the event (its override's, else its profile's active one), the field mapping its attendees get with the level each entry comes from, the form fields it locks, whether payments fire, and for each trigger the webhooks that would fire or why none would. Computed by the rules the webhooks, the reads and the forms follow, in one read.",
  request: { params: EventUidParams },
  responses: {
    200: dataResponse(
      EffectiveIntegrationSchema,
      "The event's effective configuration.",
      EFFECTIVE_INTEGRATION_EXAMPLE,
    ),
    ...errorResponses(404),
  },
});
