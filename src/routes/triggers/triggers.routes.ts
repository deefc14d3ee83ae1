import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse, listResponse } from "../common.schemas";
import {
  FIRED_EXAMPLE,
  ListTriggersQuery,
  TRIGGER_EXAMPLE,
  TriggerIdParams,
  TriggerSchema,
  TriggerWithDeliveriesSchema,
} from "./triggers.schemas";

const tags = ["Triggers"];

export const listTriggers = createRoute({
  method: "get",
  path: "/triggers",
  operationId: "listTriggers",
  tags,
  summary: "The trigger log",
  description:
    "Every change that could fire webhooks (and every manual action), oldest first, kept 30 days, with its `outcome`: the deliveries it made, or why it made none. Every filter is optional: `event_uid`, `subject_uid`, `type`, `outcome` and creation time (`since`).",
  request: { query: ListTriggersQuery },
  responses: {
    200: listResponse(TriggerSchema, "One page of triggers.", TRIGGER_EXAMPLE),
    ...errorResponses(),
  },
});

export const getTrigger = createRoute({
  method: "get",
  path: "/triggers/{id}",
  operationId: "getTrigger",
  tags,
  summary: "A trigger with its deliveries",
  description:
    "The trigger, what fan-out made of it, and the deliveries it created (each with its state; `GET /v1/deliveries/{id}` has the attempts).",
  request: { params: TriggerIdParams },
  responses: {
    200: dataResponse(
      TriggerWithDeliveriesSchema,
      "The trigger and its deliveries.",
      FIRED_EXAMPLE,
    ),
    ...errorResponses(404),
  },
});
