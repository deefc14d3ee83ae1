import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent } from "../../middleware/idempotency";
import {
  dataOf,
  IdempotencyHeaders,
  jsonBody,
  jsonContent,
  listOf,
  PaginationQuery,
} from "../common.schemas";
import { IntegrationIdParams } from "../integrations/integrations.schemas";
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  RotatedSecretSchema,
  UpdateWebhookBody,
  WebhookParams,
  WebhookSchema,
} from "./webhooks.schemas";

const tags = ["Webhooks"];

export const createWebhook = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks",
  tags,
  summary: "Create a webhook",
  description:
    "The signing secret (`secret`) is in this response only. Header values and the secret are encrypted at rest. The URL must pass the target policy (`VALIDATION_FAILED` naming `url`). The webhook receives the triggers recorded after it was created, not a change made before, even one still queued.",
  middleware: [idempotent] as const,
  request: {
    params: IntegrationIdParams,
    headers: IdempotencyHeaders,
    body: jsonBody(CreateWebhookBody),
  },
  responses: {
    201: jsonContent(dataOf(CreatedWebhookSchema), "The new webhook with its signing secret."),
    ...errorResponses(409),
  },
});

export const listWebhooks = createRoute({
  method: "get",
  path: "/integrations/{id}/webhooks",
  tags,
  summary: "List an integration's webhooks",
  description: "Oldest first; header values masked.",
  request: { params: IntegrationIdParams, query: PaginationQuery },
  responses: { 200: jsonContent(listOf(WebhookSchema), "A page."), ...errorResponses() },
});

export const getWebhook = createRoute({
  method: "get",
  path: "/integrations/{id}/webhooks/{webhook_id}",
  tags,
  summary: "Get a webhook",
  request: { params: WebhookParams },
  responses: { 200: jsonContent(dataOf(WebhookSchema), "The webhook."), ...errorResponses() },
});

export const updateWebhook = createRoute({
  method: "patch",
  path: "/integrations/{id}/webhooks/{webhook_id}",
  tags,
  summary: "Update a webhook",
  request: { params: WebhookParams, body: jsonBody(UpdateWebhookBody) },
  responses: {
    200: jsonContent(dataOf(WebhookSchema), "The updated webhook."),
    ...errorResponses(),
  },
});

export const deleteWebhook = createRoute({
  method: "delete",
  path: "/integrations/{id}/webhooks/{webhook_id}",
  tags,
  summary: "Delete a webhook",
  description: "Past deliveries stay in the log.",
  request: { params: WebhookParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses() },
});

export const rotateSecret = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks/{webhook_id}/secret/rotate",
  tags,
  summary: "Rotate a webhook's signing secret",
  description:
    "Returns the new secret, once. For 24 hours the previous secret keeps signing too: `webhook-signature` then carries two space-separated signatures.",
  request: { params: WebhookParams },
  responses: {
    200: jsonContent(dataOf(RotatedSecretSchema), "The new signing secret."),
    ...errorResponses(),
  },
});
