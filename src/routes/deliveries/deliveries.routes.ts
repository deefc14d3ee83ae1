import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse, jsonBody, listResponse } from "../common.schemas";
import { IntegrationIdParams } from "../integrations/integrations.schemas";
import { WebhookParams } from "../webhooks/webhooks.schemas";
import {
  ATTEMPT_EXAMPLE,
  DELIVERY_EXAMPLE,
  DeliveryIdParams,
  DeliverySchema,
  DeliveryWithAttemptsSchema,
  ListDeliveriesQuery,
  RECOVERED_EXAMPLE,
  RecoverBody,
  RecoveredSchema,
} from "./deliveries.schemas";

const tags = ["Deliveries"];

const PENDING_AGAIN = {
  ...DELIVERY_EXAMPLE,
  status: "pending",
  next_attempt_at: "2026-05-02T10:00:00.000Z",
  updated_at: "2026-05-02T10:00:00.000Z",
};

export const listDeliveries = createRoute({
  method: "get",
  path: "/integrations/{id}/deliveries",
  operationId: "listDeliveries",
  tags,
  summary: "An integration's delivery log",
  description:
    "Deliveries of the integration's webhooks, oldest first, kept 30 days. Every filter is optional: `webhook_id`, `status`, `trigger` and creation time (`since`).",
  request: { params: IntegrationIdParams, query: ListDeliveriesQuery },
  responses: {
    200: listResponse(DeliverySchema, "One page of deliveries.", DELIVERY_EXAMPLE),
    ...errorResponses(404),
  },
});

export const getDelivery = createRoute({
  method: "get",
  path: "/deliveries/{id}",
  operationId: "getDelivery",
  tags,
  summary: "A delivery with every attempt",
  description:
    "Each attempt with its start, duration, the receiver's status code and the first 2 KB of its answer, or why it failed.",
  request: { params: DeliveryIdParams },
  responses: {
    200: dataResponse(DeliveryWithAttemptsSchema, "The delivery and its attempts.", {
      ...DELIVERY_EXAMPLE,
      attempts: [ATTEMPT_EXAMPLE],
    }),
    ...errorResponses(404),
  },
});

export const redeliverDelivery = createRoute({
  method: "post",
  path: "/deliveries/{id}/redeliver",
  operationId: "redeliverDelivery",
  tags,
  summary: "Redeliver a delivery",
  description:
    "Puts a `delivered` or `failed` delivery back to `pending` and queues a new attempt now, with the same `webhook-id` and body (receivers deduplicate on it). The new attempt is numbered after the old ones; a delivery that had used all 10 attempts gets exactly one more. 409 while it is still pending, or when its webhook is disabled or deleted. Takes no body.",
  request: { params: DeliveryIdParams },
  responses: {
    202: dataResponse(DeliverySchema, "The delivery, pending again.", PENDING_AGAIN),
    ...errorResponses(404, 409, 413),
  },
});

export const recoverDeliveries = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks/{webhook_id}/recover",
  operationId: "recoverWebhookDeliveries",
  tags,
  summary: "Redeliver a webhook's failed deliveries",
  description:
    "Every `failed` delivery of the webhook created at or after `since` goes back to pending and is queued now, for instance after fixing and re-enabling a disabled webhook. 409 when the webhook is disabled (enable it first).",
  request: { params: WebhookParams, body: jsonBody(RecoverBody) },
  responses: {
    202: dataResponse(
      RecoveredSchema,
      "How many deliveries were queued, and which.",
      RECOVERED_EXAMPLE,
    ),
    ...errorResponses(404, 409, 413),
  },
});
