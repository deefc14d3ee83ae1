import { z } from "@hono/zod-openapi";
import { Timestamp } from "../common.schemas";
import { CreatedApiKeySchema } from "../keys.schemas";

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "acc_9v1c3x7m2q8w0e4r6t5y" }),
    name: z.string().openapi({ example: "Acme Events" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Account");

export const CreateAccountBody = z
  .strictObject({ name: z.string().trim().min(1).max(200) })
  .openapi("CreateAccount", { example: { name: "Acme Events" } });

export const CreatedAccountSchema = z
  .object({ account: AccountSchema, admin_key: CreatedApiKeySchema })
  .openapi("CreatedAccount");

export const KeyIdParams = z.object({
  key_id: z
    .string()
    .openapi({ param: { name: "key_id", in: "path" }, example: "key_4m2x9q0c7w1z5b8n3k6j" }),
});
