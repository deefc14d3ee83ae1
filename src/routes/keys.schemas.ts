import { z } from "@hono/zod-openapi";
import { Timestamp } from "./common.schemas";

const keyExample = (id: string, secret: string) => ({
  id,
  prefix: secret.slice(0, secret.indexOf("_", 4) + 5),
  created_at: "2026-05-01T09:00:00.000Z",
  last_used_at: null,
  expires_at: null,
  key: secret,
});

export const CREATED_ADMIN_KEY_EXAMPLE = keyExample(
  "key_7h3k9m1p5r8t0v2x4z6b",
  "wft_admin_BLshYB6iBz4H4YWa72EgpOdOiH2GH5gQiRTW1IF1ifY",
);
export const CREATED_LIVE_KEY_EXAMPLE = keyExample(
  "key_4m2x9q0c7w1z5b8n3k6j",
  "wft_live_oSmHa4V0L6U4vkXrM3Ni82FgaUKoKxHeXKYEAJDcpC8",
);
const { key: _secret, ...LIVE_KEY } = CREATED_LIVE_KEY_EXAMPLE;
/** A key as lists show it: used once, without its secret. */
export const LIVE_KEY_EXAMPLE = { ...LIVE_KEY, last_used_at: "2026-05-02T14:31:00.000Z" };

export const ApiKeySchema = z
  .object({
    id: z
      .string()
      .openapi({ description: "The key's id (`key_...`), for revoking or rotating it." }),
    prefix: z.string().openapi({
      description: "The kind prefix and four characters of the secret: enough to recognise it.",
    }),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable().openapi({
      description: "When it last authenticated a request (to the minute); null if never.",
    }),
    expires_at: Timestamp.nullable().openapi({
      description: "After this it answers 401 (set by a rotation's grace period); null: no expiry.",
    }),
  })
  .openapi("ApiKey", { example: LIVE_KEY_EXAMPLE });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: "The secret. Shown only in this response; Weft keeps only its hash.",
  }),
}).openapi("CreatedApiKey", { example: CREATED_LIVE_KEY_EXAMPLE });
