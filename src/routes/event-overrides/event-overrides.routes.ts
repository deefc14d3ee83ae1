import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { dataOf, jsonBody, jsonContent } from "../common.schemas";
import { EventUidParams } from "../events/events.schemas";
import { OverrideBody, OverrideSchema } from "./event-overrides.schemas";

const tags = ["Event overrides"];

export const getOverride = createRoute({
  method: "get",
  path: "/events/{uid}/integration",
  tags,
  summary: "The event's integration override",
  description: "404 `NOT_FOUND` when the event has no override (it then follows its profile).",
  request: { params: EventUidParams },
  responses: { 200: jsonContent(dataOf(OverrideSchema), "The override."), ...errorResponses() },
});

export const putOverride = createRoute({
  method: "put",
  path: "/events/{uid}/integration",
  tags,
  summary: "Set the event's integration override",
  description:
    "Creates or replaces the override (absent properties take their defaults). With an `integration_id`, the event's triggers use that integration instead of the profile's active one, and its fixed configuration is added, locked, to the event's form at once. The integration must be the account's (`VALIDATION_FAILED` naming `integration_id`); it need not list the event's profile.",
  request: { params: EventUidParams, body: jsonBody(OverrideBody) },
  responses: {
    200: jsonContent(dataOf(OverrideSchema), "The stored override."),
    ...errorResponses(),
  },
});

export const deleteOverride = createRoute({
  method: "delete",
  path: "/events/{uid}/integration",
  tags,
  summary: "Remove the event's integration override",
  description: "The event follows its profile's active integration again (its form too).",
  request: { params: EventUidParams },
  responses: { 204: { description: "Removed." }, ...errorResponses() },
});
