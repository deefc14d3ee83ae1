import { z } from "@hono/zod-openapi";
import { CreatedWebhookSchema } from "../webhooks/webhooks.schemas";
import { IntegrationSchema } from "./integrations.schemas";

/** Apart from integrations.schemas.ts: the webhook schemas import that module. */
export const CreatedIntegrationSchema = IntegrationSchema.extend({
  webhooks: z.array(CreatedWebhookSchema).optional().openapi({
    description:
      "Only for an integration made from a `template`: the webhooks it created, each with its signing secret, shown only here (and by `secret/rotate`).",
  }),
}).openapi("CreatedIntegration");
