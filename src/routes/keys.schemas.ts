import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.schemas";

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_4m2x9q0c7w1z5b8n3k6j" }),
    prefix: z.string().openapi({ example: "wft_live_ab12" }),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable(),
    expires_at: Timestamp.nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: "The secret. Shown only in this response; Weft keeps only its hash.",
    example: "wft_live_ab12Xy9...",
  }),
}).openapi("CreatedApiKey");
