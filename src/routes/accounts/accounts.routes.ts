import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import {
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  listResponse,
  noContent,
  PageQuery,
} from "../common.schemas";
import { FIELD_MAPPING_EXAMPLE, FieldMappingBody } from "../field-mapping.schemas";
import {
  ApiKeySchema,
  CREATED_ADMIN_KEY_EXAMPLE,
  CreatedApiKeySchema,
  LIVE_KEY_EXAMPLE,
} from "../keys.schemas";
import {
  ACCOUNT_EXAMPLE,
  AccountSchema,
  CREATED_ACCOUNT_EXAMPLE,
  CreateAccountBody,
  CreatedAccountSchema,
  KeyIdParams,
} from "./accounts.schemas";

const tags = ["Accounts"];
const mappingTags = ["Field mapping"];

const { key: _secret, ...ADMIN_KEY_EXAMPLE } = CREATED_ADMIN_KEY_EXAMPLE;

export const createAccount = createRoute({
  method: "post",
  path: "/accounts",
  operationId: "createAccount",
  tags,
  summary: "Create an account (bootstrap token)",
  description:
    "Creates an account and its first admin key. Only the operator's `BOOTSTRAP_TOKEN` may call it (any other key: 403). The key's secret is in this response only: keep it.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateAccountBody) },
  responses: {
    201: dataResponse(
      CreatedAccountSchema,
      "The account and its first admin key.",
      CREATED_ACCOUNT_EXAMPLE,
    ),
    ...errorResponses(409, 413),
  },
});

export const getAccount = createRoute({
  method: "get",
  path: "/account",
  operationId: "getAccount",
  tags,
  summary: "The caller's account",
  description: "The account of the admin key that calls.",
  responses: {
    200: dataResponse(AccountSchema, "The account.", ACCOUNT_EXAMPLE),
    ...errorResponses(),
  },
});

export const createAdminKey = createRoute({
  method: "post",
  path: "/account/admin-keys",
  operationId: "createAdminKey",
  tags,
  summary: "Create an admin key",
  description:
    "Another `wft_admin_` key for the account (one per person or system, so each can be revoked alone). Takes no body. The secret is in this response only.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders },
  responses: {
    201: dataResponse(
      CreatedApiKeySchema,
      "The new key with its secret.",
      CREATED_ADMIN_KEY_EXAMPLE,
    ),
    ...errorResponses(409, 413),
  },
});

export const listAdminKeys = createRoute({
  method: "get",
  path: "/account/admin-keys",
  operationId: "listAdminKeys",
  tags,
  summary: "List live admin keys",
  description: "The account's admin keys that are not revoked, oldest first, never with secrets.",
  request: { query: PageQuery },
  responses: {
    200: listResponse(ApiKeySchema, "One page of admin keys, without secrets.", {
      ...ADMIN_KEY_EXAMPLE,
      last_used_at: LIVE_KEY_EXAMPLE.last_used_at,
    }),
    ...errorResponses(),
  },
});

export const revokeAdminKey = createRoute({
  method: "delete",
  path: "/account/admin-keys/{key_id}",
  operationId: "revokeAdminKey",
  tags,
  summary: "Revoke an admin key",
  description:
    "Revokes at once: the key answers 401 from now on. The account's last live admin key cannot be revoked (409), so an account cannot lock itself out.",
  request: { params: KeyIdParams },
  responses: { 204: noContent("Revoked."), ...errorResponses(404, 409) },
});

export const getAccountFieldMapping = createRoute({
  method: "get",
  path: "/account/field-mapping",
  operationId: "getAccountFieldMapping",
  tags: mappingTags,
  summary: "The account's field mapping",
  description:
    "The first level of the effective mapping (account, integration, profile, event override): entries here apply to every integration unless a later level replaces them.",
  responses: {
    200: dataResponse(FieldMappingBody, "The mapping.", FIELD_MAPPING_EXAMPLE),
    ...errorResponses(),
  },
});

export const putAccountFieldMapping = createRoute({
  method: "put",
  path: "/account/field-mapping",
  operationId: "replaceAccountFieldMapping",
  tags: mappingTags,
  summary: "Replace the account's field mapping",
  description:
    "Replaces the whole list. Each `name` may appear once; an entry either maps (`mapped_to`: a native field or dotted path) or fixes a `value`.",
  request: { body: jsonBody(FieldMappingBody) },
  responses: {
    200: dataResponse(FieldMappingBody, "The stored mapping.", FIELD_MAPPING_EXAMPLE),
    ...errorResponses(413),
  },
});
