import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { dataOf, jsonBody, jsonContent, listOf } from "../common.schemas";
import { IntegrationIdParams } from "../integrations/integrations.schemas";
import { WebhookParams } from "../webhooks/webhooks.schemas";
import {
  DeliveryIdParams,
  DeliverySchema,
  DeliveryWithAttemptsSchema,
  ListDeliveriesQuery,
  RecoverBody,
  RecoveredSchema,
} from "./deliveries.schemas";

const tags = ["Deliveries"];

export const listDeliveries = createRoute({
  method: "get",
  path: "/integrations/{id}/deliveries",
  tags,
  summary: "An integration's delivery log",
  description:
    "Deliveries of the integration's webhooks, oldest first, kept 30 days. Filter by `webhook_id`, `status`, `trigger` and creation time (`since`).",
  request: { params: IntegrationIdParams, query: ListDeliveriesQuery },
  responses: {
    200: jsonContent(listOf(DeliverySchema), "One page of deliveries."),
    ...errorResponses(),
  },
});

export const getDelivery = createRoute({
  method: "get",
  path: "/deliveries/{id}",
  tags,
  summary: "A delivery with every attempt",
  request: { params: DeliveryIdParams },
  responses: {
    200: jsonContent(dataOf(DeliveryWithAttemptsSchema), "The delivery and its attempts."),
    ...errorResponses(),
  },
});

export const redeliverDelivery = createRoute({
  method: "post",
  path: "/deliveries/{id}/redeliver",
  tags,
  summary: "Redeliver a delivery",
  description:
    "Puts a `delivered` or `failed` delivery back to `pending` and queues a new attempt now, with the same `webhook-id` and body (receivers deduplicate on it). The new attempt is numbered after the old ones; a delivery that had used all 10 attempts gets exactly one more. 409 while it is still pending, or when its webhook is disabled or deleted.",
  request: { params: DeliveryIdParams },
  responses: {
    202: jsonContent(dataOf(DeliverySchema), "The delivery, pending again."),
    ...errorResponses(409),
  },
});

export const recoverDeliveries = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks/{webhook_id}/recover",
  tags,
  summary: "Redeliver a webhook's failed deliveries",
  description:
    "Every `failed` delivery of the webhook created at or after `since` goes back to pending and is queued now. 409 when the webhook is disabled (enable it first).",
  request: { params: WebhookParams, body: jsonBody(RecoverBody) },
  responses: {
    202: jsonContent(dataOf(RecoveredSchema), "How many deliveries were queued, and which."),
    ...errorResponses(409),
  },
});
