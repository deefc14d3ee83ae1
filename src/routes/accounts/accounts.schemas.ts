import { z } from "@hono/zod-openapi";
import { Timestamp } from "../common.schemas";
import { CREATED_ADMIN_KEY_EXAMPLE, CreatedApiKeySchema } from "../keys.schemas";

export const ACCOUNT_EXAMPLE = {
  id: "acc_9v1c3x7m2q8w0e4r6t5y",
  name: "Acme Events",
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:00:00.000Z",
};

export const AccountSchema = z
  .object({
    id: z.string().openapi({ description: "`acc_...`" }),
    name: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Account", { example: ACCOUNT_EXAMPLE });

export const CreateAccountBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ description: "Shown to its admins." }),
  })
  .openapi("CreateAccount", { example: { name: "Acme Events" } });

export const CREATED_ACCOUNT_EXAMPLE = {
  account: ACCOUNT_EXAMPLE,
  admin_key: CREATED_ADMIN_KEY_EXAMPLE,
};

export const CreatedAccountSchema = z
  .object({ account: AccountSchema, admin_key: CreatedApiKeySchema })
  .openapi("CreatedAccount", { example: CREATED_ACCOUNT_EXAMPLE });

export const KeyIdParams = z.object({
  key_id: z.string().openapi({
    param: { name: "key_id", in: "path" },
    description: "The admin key's id (`key_...`), not its secret.",
    example: "key_4m2x9q0c7w1z5b8n3k6j",
  }),
});
