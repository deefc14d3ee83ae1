import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent } from "../../middleware/idempotency";
import {
  dataOf,
  IdempotencyHeaders,
  jsonBody,
  jsonContent,
  listOf,
  PageQuery,
} from "../common.schemas";
import { FieldMappingBody } from "../field-mapping.schemas";
import { ApiKeySchema, CreatedApiKeySchema } from "../keys.schemas";
import {
  AccountSchema,
  CreateAccountBody,
  CreatedAccountSchema,
  KeyIdParams,
} from "./accounts.schemas";

const tags = ["Account"];

export const createAccount = createRoute({
  method: "post",
  path: "/accounts",
  tags,
  summary: "Create an account (bootstrap token)",
  description:
    "Creates an account and its first admin key. Only the operator's `BOOTSTRAP_TOKEN` may call it. The key's secret is in this response only.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateAccountBody) },
  responses: {
    201: jsonContent(dataOf(CreatedAccountSchema), "The account and its first admin key."),
    ...errorResponses(409),
  },
});

export const getAccount = createRoute({
  method: "get",
  path: "/account",
  tags,
  summary: "The caller's account",
  responses: { 200: jsonContent(dataOf(AccountSchema), "The account."), ...errorResponses() },
});

export const createAdminKey = createRoute({
  method: "post",
  path: "/account/admin-keys",
  tags,
  summary: "Create an admin key",
  description: "The secret is in this response only.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders },
  responses: {
    201: jsonContent(dataOf(CreatedApiKeySchema), "The new key with its secret."),
    ...errorResponses(409),
  },
});

export const listAdminKeys = createRoute({
  method: "get",
  path: "/account/admin-keys",
  tags,
  summary: "List live admin keys",
  request: { query: PageQuery },
  responses: {
    200: jsonContent(listOf(ApiKeySchema), "Admin keys, oldest first, without secrets."),
    ...errorResponses(),
  },
});

export const revokeAdminKey = createRoute({
  method: "delete",
  path: "/account/admin-keys/{key_id}",
  tags,
  summary: "Revoke an admin key",
  description: "Revokes at once. The account's last live admin key cannot be revoked (409).",
  request: { params: KeyIdParams },
  responses: { 204: { description: "Revoked." }, ...errorResponses(409) },
});

export const getAccountFieldMapping = createRoute({
  method: "get",
  path: "/account/field-mapping",
  tags,
  summary: "The account's field mapping",
  description: "The first level of the effective mapping (account, integration, profile, event).",
  responses: { 200: jsonContent(dataOf(FieldMappingBody), "The mapping."), ...errorResponses() },
});

export const putAccountFieldMapping = createRoute({
  method: "put",
  path: "/account/field-mapping",
  tags,
  summary: "Replace the account's field mapping",
  request: { body: jsonBody(FieldMappingBody) },
  responses: {
    200: jsonContent(dataOf(FieldMappingBody), "The stored mapping."),
    ...errorResponses(),
  },
});
