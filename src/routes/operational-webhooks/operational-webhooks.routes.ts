import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import {
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  listResponse,
  noContent,
  PageQuery,
} from "../common.schemas";
import { DELIVERY_EXAMPLE, DeliverySchema } from "../deliveries/deliveries.schemas";
import { ROTATED_SECRET_EXAMPLE, RotatedSecretSchema } from "../webhooks/webhooks.schemas";
import {
  CREATED_OPERATIONAL_WEBHOOK_EXAMPLE,
  CreatedOperationalWebhookSchema,
  CreateOperationalWebhookBody,
  OPERATIONAL_WEBHOOK_EXAMPLE,
  OperationalDeliveriesQuery,
  OperationalWebhookParams,
  OperationalWebhookSchema,
  UpdateOperationalWebhookBody,
} from "./operational-webhooks.schemas";

const tags = ["Operational webhooks"];
const path = "/account/operational-webhooks";

export const createOperationalWebhook = createRoute({
  method: "post",
  path,
  operationId: "createOperationalWebhook",
  tags,
  summary: "Register an operational endpoint",
  description:
    "An endpoint that receives the account's operational notifications: `webhook.disabled` (a webhook disabled by Weft: a 410, or 5 days failing), `webhook.failing` (a webhook's first failure after a success) and `integration_key.expiring` (7 days before an integration key's `expires_at`), see this document's `webhooks` section. Delivered like every webhook: signed (Standard Webhooks) with the endpoint's own secret, paced, retried and logged (`GET /v1/deliveries/{id}`). The signing secret (`secret`) is in this response only; it and header values are encrypted at rest. The URL must pass the webhook URL policy (`VALIDATION_FAILED` naming `url`). An endpoint receives what happens after it was created.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateOperationalWebhookBody) },
  responses: {
    201: dataResponse(
      CreatedOperationalWebhookSchema,
      "The new endpoint with its signing secret.",
      CREATED_OPERATIONAL_WEBHOOK_EXAMPLE,
    ),
    ...errorResponses(409, 413),
  },
});

export const listOperationalWebhooks = createRoute({
  method: "get",
  path,
  operationId: "listOperationalWebhooks",
  tags,
  summary: "List the operational endpoints",
  description: "Oldest first; header values masked, never the secret.",
  request: { query: PageQuery },
  responses: {
    200: listResponse(
      OperationalWebhookSchema,
      "One page of operational endpoints.",
      OPERATIONAL_WEBHOOK_EXAMPLE,
    ),
    ...errorResponses(),
  },
});

export const getOperationalWebhook = createRoute({
  method: "get",
  path: `${path}/{id}`,
  operationId: "getOperationalWebhook",
  tags,
  summary: "Get an operational endpoint",
  description: "With header values masked and whether (and why) it is disabled.",
  request: { params: OperationalWebhookParams },
  responses: {
    200: dataResponse(OperationalWebhookSchema, "The endpoint.", OPERATIONAL_WEBHOOK_EXAMPLE),
    ...errorResponses(404),
  },
});

export const updateOperationalWebhook = createRoute({
  method: "patch",
  path: `${path}/{id}`,
  operationId: "updateOperationalWebhook",
  tags,
  summary: "Update an operational endpoint",
  description:
    "Every property optional; `headers` replaces the whole set. `enabled: true` re-enables an endpoint Weft disabled and clears `disabled_reason`. A new `url` must pass the URL policy (`VALIDATION_FAILED` naming `url`).",
  request: { params: OperationalWebhookParams, body: jsonBody(UpdateOperationalWebhookBody) },
  responses: {
    200: dataResponse(OperationalWebhookSchema, "The updated endpoint.", {
      ...OPERATIONAL_WEBHOOK_EXAMPLE,
      updated_at: "2026-05-02T10:00:00.000Z",
    }),
    ...errorResponses(404, 413),
  },
});

export const deleteOperationalWebhook = createRoute({
  method: "delete",
  path: `${path}/{id}`,
  operationId: "deleteOperationalWebhook",
  tags,
  summary: "Delete an operational endpoint",
  description: "It receives no more notifications; past deliveries stay in the log.",
  request: { params: OperationalWebhookParams },
  responses: { 204: noContent("Deleted."), ...errorResponses(404) },
});

export const rotateOperationalSecret = createRoute({
  method: "post",
  path: `${path}/{id}/secret/rotate`,
  operationId: "rotateOperationalWebhookSecret",
  tags,
  summary: "Rotate an operational endpoint's signing secret",
  description:
    "Returns the new secret, once. For 24 hours the previous secret keeps signing too: `webhook-signature` then carries two space-separated signatures, so the receiver can switch without missing a notification. Takes no body.",
  request: { params: OperationalWebhookParams },
  responses: {
    200: dataResponse(RotatedSecretSchema, "The new signing secret.", ROTATED_SECRET_EXAMPLE),
    ...errorResponses(404, 413),
  },
});

export const listOperationalDeliveries = createRoute({
  method: "get",
  path: `${path}/{id}/deliveries`,
  operationId: "listOperationalDeliveries",
  tags,
  summary: "An operational endpoint's delivery log",
  description:
    "The notifications sent to the endpoint, oldest first, kept 30 days, each with `integration_id: null` and `trigger` the notification's type. `GET /v1/deliveries/{id}` shows one with every attempt and `POST /v1/deliveries/{id}/redeliver` sends it again, as for any webhook.",
  request: { params: OperationalWebhookParams, query: OperationalDeliveriesQuery },
  responses: {
    200: listResponse(DeliverySchema, "One page of deliveries.", {
      ...DELIVERY_EXAMPLE,
      webhook_id: OPERATIONAL_WEBHOOK_EXAMPLE.id,
      integration_id: null,
      trigger: "webhook.disabled",
      event_uid: "",
      entity_uid: "whk_1a3c5e7g9i0k2m4o6q8s",
    }),
    ...errorResponses(404),
  },
});
