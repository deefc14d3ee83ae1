import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import {
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  listResponse,
  noContent,
  PaginationQuery,
} from "../common.schemas";
import { IntegrationIdParams } from "../integrations/integrations.schemas";
import {
  CREATED_WEBHOOK_EXAMPLE,
  CreatedWebhookSchema,
  CreateWebhookBody,
  PreviewWebhookBody,
  ROTATED_SECRET_EXAMPLE,
  RotatedSecretSchema,
  UpdateWebhookBody,
  WEBHOOK_EXAMPLE,
  WEBHOOK_PREVIEW_EXAMPLE,
  WebhookParams,
  WebhookPreviewSchema,
  WebhookSchema,
} from "./webhooks.schemas";

const tags = ["Webhooks"];

export const createWebhook = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks",
  operationId: "createWebhook",
  tags,
  summary: "Create a webhook",
  description:
    "A webhook sends one trigger (`guest.create`, ...) of the integration to a URL, signed; it fires while the integration is active on the event's profile (or set on the event). The signing secret (`secret`) is in this response only. Header values, the secret and a `secret_url` are encrypted at rest. The URL must pass the target policy (`VALIDATION_FAILED` naming `url`). A payload template and URL placeholders are checked here: `UNPROCESSABLE` with one `details` entry per problem, naming `payload_template.<entry>` or `url`. The webhook receives the triggers recorded after it was created, not a change made before, even one still queued. What the receiver gets is in this document's `webhooks` section.",
  middleware: [idempotent] as const,
  request: {
    params: IntegrationIdParams,
    headers: IdempotencyHeaders,
    body: jsonBody(CreateWebhookBody),
  },
  responses: {
    201: dataResponse(
      CreatedWebhookSchema,
      "The new webhook with its signing secret.",
      CREATED_WEBHOOK_EXAMPLE,
    ),
    ...errorResponses(404, 409, 413, 422),
  },
});

export const listWebhooks = createRoute({
  method: "get",
  path: "/integrations/{id}/webhooks",
  operationId: "listWebhooks",
  tags,
  summary: "List an integration's webhooks",
  description: "Oldest first; header values masked, never the secret.",
  request: { params: IntegrationIdParams, query: PaginationQuery },
  responses: {
    200: listResponse(WebhookSchema, "One page of webhooks.", WEBHOOK_EXAMPLE),
    ...errorResponses(404),
  },
});

export const getWebhook = createRoute({
  method: "get",
  path: "/integrations/{id}/webhooks/{webhook_id}",
  operationId: "getWebhook",
  tags,
  summary: "Get a webhook",
  description: "With header values masked and whether (and why) it is disabled.",
  request: { params: WebhookParams },
  responses: {
    200: dataResponse(WebhookSchema, "The webhook.", WEBHOOK_EXAMPLE),
    ...errorResponses(404),
  },
});

export const updateWebhook = createRoute({
  method: "patch",
  path: "/integrations/{id}/webhooks/{webhook_id}",
  operationId: "updateWebhook",
  tags,
  summary: "Update a webhook",
  description:
    "Every property optional; `headers` replaces the whole set. `enabled: true` re-enables a disabled webhook and clears `disabled_reason`. A change to the trigger, method, URL, `payload_template`, `body_encoding` or `secret_url` is checked against the whole webhook (`UNPROCESSABLE` naming each problem). Deliveries already made keep the body and URL they were rendered with.",
  request: { params: WebhookParams, body: jsonBody(UpdateWebhookBody) },
  responses: {
    200: dataResponse(WebhookSchema, "The updated webhook.", {
      ...WEBHOOK_EXAMPLE,
      updated_at: "2026-05-02T10:00:00.000Z",
    }),
    ...errorResponses(404, 413, 422),
  },
});

export const deleteWebhook = createRoute({
  method: "delete",
  path: "/integrations/{id}/webhooks/{webhook_id}",
  operationId: "deleteWebhook",
  tags,
  summary: "Delete a webhook",
  description: "It fires no more; past deliveries stay in the log.",
  request: { params: WebhookParams },
  responses: { 204: noContent("Deleted."), ...errorResponses(404) },
});

export const rotateSecret = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks/{webhook_id}/secret/rotate",
  operationId: "rotateWebhookSecret",
  tags,
  summary: "Rotate a webhook's signing secret",
  description:
    "Returns the new secret, once. For 24 hours the previous secret keeps signing too: `webhook-signature` then carries two space-separated signatures, so receivers can switch without missing a delivery. Takes no body.",
  request: { params: WebhookParams },
  responses: {
    200: dataResponse(RotatedSecretSchema, "The new signing secret.", ROTATED_SECRET_EXAMPLE),
    ...errorResponses(404, 413),
  },
});

export const previewWebhook = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks/{webhook_id}/preview",
  operationId: "previewWebhook",
  tags,
  summary: "Preview what a webhook would send",
  description:
    "Renders the webhook for an attendee (guest triggers) or an event (event triggers) exactly as a delivery would be made now, with the integration's mapping at that event, and answers the method, URL, headers and body it would send, without sending anything or storing a delivery. Works whether or not the integration is active, and on a disabled webhook. Header values, the signature and a secret URL are masked. An attendee or event that does not exist is `VALIDATION_FAILED` naming `attendee_uid` or `event_uid`; a template that cannot be rendered for it is `UNPROCESSABLE` naming `payload_template.<entry>` or `url`.",
  request: { params: WebhookParams, body: jsonBody(PreviewWebhookBody) },
  responses: {
    200: dataResponse(
      WebhookPreviewSchema,
      "The request the webhook would send.",
      WEBHOOK_PREVIEW_EXAMPLE,
    ),
    ...errorResponses(404, 413, 422),
  },
});
