import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse, jsonBody, noContent } from "../common.schemas";
import { EventUidParams } from "../events/events.schemas";
import { OVERRIDE_EXAMPLE, OverrideBody, OverrideSchema } from "./event-overrides.schemas";

const tags = ["Event overrides"];

export const getOverride = createRoute({
  method: "get",
  path: "/events/{uid}/integration",
  operationId: "getEventOverride",
  tags,
  summary: "The event's integration override",
  description:
    "404 `NOT_FOUND` when the event has no override (it then follows its profile's active integration).",
  request: { params: EventUidParams },
  responses: {
    200: dataResponse(OverrideSchema, "The override.", OVERRIDE_EXAMPLE),
    ...errorResponses(404),
  },
});

export const putOverride = createRoute({
  method: "put",
  path: "/events/{uid}/integration",
  operationId: "setEventOverride",
  tags,
  summary: "Set the event's integration override",
  description:
    "Creates or replaces the override (absent properties take their defaults). With an `integration_id`, the event's triggers use that integration instead of the profile's active one, and its fixed configuration is added, locked, to the event's form at once. The integration must be the account's (`VALIDATION_FAILED` naming `integration_id`) and linked to the event's profile (`UNPROCESSABLE` naming `integration_id`): its keys then read the events its webhooks send. Unlinking that profile later points the override back at the profile. The mapping applies when `integration_id` is null or is the integration being mapped for. `fire_on_payment` null follows the profile's; `webhooks_enabled: false` silences the event.",
  request: { params: EventUidParams, body: jsonBody(OverrideBody) },
  responses: {
    200: dataResponse(OverrideSchema, "The stored override.", OVERRIDE_EXAMPLE),
    ...errorResponses(404, 413, 422),
  },
});

export const deleteOverride = createRoute({
  method: "delete",
  path: "/events/{uid}/integration",
  operationId: "deleteEventOverride",
  tags,
  summary: "Remove the event's integration override",
  description: "The event follows its profile's active integration again (its form too).",
  request: { params: EventUidParams },
  responses: { 204: noContent("Removed."), ...errorResponses(404) },
});
