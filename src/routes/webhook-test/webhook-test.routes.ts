import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse } from "../common.schemas";
import { WebhookParams } from "../webhooks/webhooks.schemas";
import { WEBHOOK_TEST_EXAMPLE, WebhookTestResultSchema } from "./webhook-test.schemas";

export const testWebhook = createRoute({
  method: "post",
  path: "/integrations/{id}/webhooks/{webhook_id}/test",
  operationId: "testWebhook",
  tags: ["Webhooks"],
  summary: "Send a test request to a webhook",
  description:
    "Sends one signed request with a sample payload of the webhook's trigger now (with its method, headers and secrets, the target URL checked again) and answers what happened. Nothing is stored and the webhook's health does not change; it also works on a disabled webhook. A receiver error is a 200 with `success: false`. Takes no body.",
  request: { params: WebhookParams },
  responses: {
    200: dataResponse(WebhookTestResultSchema, "The test attempt.", WEBHOOK_TEST_EXAMPLE),
    ...errorResponses(404, 413),
  },
});
