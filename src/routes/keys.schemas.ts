import { z } from "@hono/zod-openapi";
import { KEY_SCOPES } from "../lib/types";
import { DateTimeInput, Timestamp } from "./common.schemas";

const keyExample = (id: string, secret: string) => ({
  id,
  prefix: secret.slice(0, secret.indexOf("_", 4) + 5),
  created_at: "2026-05-01T09:00:00.000Z",
  last_used_at: null,
  expires_at: null,
  scopes: secret.startsWith("wft_admin_") ? null : ["events:read", "attendees:read"],
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
      description:
        'After this it answers 401 ("This key has expired."): set when the key was created, or by a rotation\'s grace period; null: no expiry.',
    }),
    scopes: z.array(z.enum(KEY_SCOPES)).nullable().openapi({
      description:
        "What an integration key may do: `events:read`, `attendees:read`, `attendees:write` (write attendees of the linked profiles). null for an admin key, which may do everything in its account.",
    }),
  })
  .openapi("ApiKey", { example: LIVE_KEY_EXAMPLE });

/** `POST /v1/integrations/{id}/keys`: optional scopes and expiry. */
export const CreateKeyBody = z
  .strictObject({
    scopes: z
      .array(z.enum(KEY_SCOPES))
      .min(1)
      .refine((scopes) => new Set(scopes).size === scopes.length, "Each scope only once.")
      .optional()
      .openapi({
        description:
          'What the key may do; default `["events:read", "attendees:read"]` (read-only). `attendees:write` lets it create, update and pay attendees of the integration\'s linked profiles.',
      }),
    expires_at: DateTimeInput.optional().openapi({
      description:
        'When the key stops working (401, "This key has expired."); must be in the future. Seven days before, an `integration_key.expiring` operational webhook fires. Default: never.',
    }),
  })
  .openapi("CreateIntegrationKey", {
    example: { scopes: ["attendees:read", "attendees:write"], expires_at: "2027-06-01T00:00:00Z" },
  });

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: "The secret. Shown only in this response; Weft keeps only its hash.",
  }),
}).openapi("CreatedApiKey", { example: CREATED_LIVE_KEY_EXAMPLE });
