import { z } from "@hono/zod-openapi";
import { Timestamp } from "../common.schemas";

export const WEBHOOK_TEST_EXAMPLE = {
  webhook_id: "whk_1a3c5e7g9i0k2m4o6q8s",
  message_id: "dlv_7y6t5r4e3w2q1a0s9d8f",
  success: true,
  started_at: "2026-05-01T09:00:00.105Z",
  duration_ms: 187,
  status_code: 200,
  error: null,
  response_excerpt: "ok",
};

export const WebhookTestResultSchema = z
  .object({
    webhook_id: z.string(),
    message_id: z.string().openapi({
      description: "The `webhook-id` header of the test request (not a stored delivery).",
    }),
    success: z.boolean().openapi({ description: "Whether the receiver answered 2xx in time." }),
    started_at: Timestamp,
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable(),
    error: z.string().nullable(),
    response_excerpt: z.string().nullable(),
  })
  .openapi("WebhookTestResult", { example: WEBHOOK_TEST_EXAMPLE });
