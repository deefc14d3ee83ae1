import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import type { AppEnv } from "../../env";
import * as deliveries from "../../services/deliveries";
import type * as routes from "./webhook-test.routes";

export const testWebhook: RouteHandler<typeof routes.testWebhook, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const { id, webhook_id } = c.req.valid("param");
  const result = await deliveries.testWebhook(
    c.get("deps"),
    { accountId, integrationId: id },
    webhook_id,
  );
  return c.json(
    {
      data: {
        webhook_id: result.webhookId,
        message_id: result.messageId,
        success: result.success,
        started_at: result.startedAt,
        duration_ms: result.durationMs,
        status_code: result.statusCode,
        error: result.error,
        response_excerpt: result.responseExcerpt,
      },
    },
    200,
  );
};
