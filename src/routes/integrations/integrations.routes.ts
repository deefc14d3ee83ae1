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
  PaginationQuery,
} from "../common.schemas";
import {
  ApiKeySchema,
  CREATED_LIVE_KEY_EXAMPLE,
  CreatedApiKeySchema,
  CreateKeyBody,
  LIVE_KEY_EXAMPLE,
} from "../keys.schemas";
import { CreatedIntegrationSchema } from "./created-integration.schemas";
import {
  CreateIntegrationBody,
  INTEGRATION_EXAMPLE,
  IntegrationIdParams,
  IntegrationKeyParams,
  IntegrationSchema,
  RotateKeyBody,
  UpdateIntegrationBody,
} from "./integrations.schemas";

const tags = ["Integrations"];
const keyTags = ["Integration keys"];

export const createIntegration = createRoute({
  method: "post",
  path: "/integrations",
  operationId: "createIntegration",
  tags,
  summary: "Create an integration",
  description:
    'Admin key only. `profile_uids` must be profiles of the account (else `VALIDATION_FAILED` naming `profile_uids.N`). Linking gives the integration\'s keys read access to those profiles (while `api_access` is on); activation, which makes its webhooks fire, is separate (`PUT /v1/profiles/{uid}/integration`). With `template` and `params` (`{"template": "slack", "params": {"webhook_url": "https://hooks.slack.com/services/..."}, "profile_uids": ["prf_..."]}`), creates what the catalogue template describes, webhooks included, in one write; the answer lists those webhooks with their signing secrets.',
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateIntegrationBody) },
  responses: {
    201: dataResponse(CreatedIntegrationSchema, "The new integration.", INTEGRATION_EXAMPLE),
    ...errorResponses(409, 413, 422),
  },
});

export const listIntegrations = createRoute({
  method: "get",
  path: "/integrations",
  operationId: "listIntegrations",
  tags,
  summary: "List integrations",
  description: "The account's integrations, oldest first. Admin key only.",
  request: { query: PaginationQuery },
  responses: {
    200: listResponse(IntegrationSchema, "One page of integrations.", INTEGRATION_EXAMPLE),
    ...errorResponses(),
  },
});

export const getIntegration = createRoute({
  method: "get",
  path: "/integrations/{id}",
  operationId: "getIntegration",
  tags,
  summary: "Get an integration",
  description: "One integration with its links, fixed configuration and mapping. Admin key only.",
  request: { params: IntegrationIdParams },
  responses: {
    200: dataResponse(IntegrationSchema, "The integration.", INTEGRATION_EXAMPLE),
    ...errorResponses(404),
  },
});

export const updateIntegration = createRoute({
  method: "patch",
  path: "/integrations/{id}",
  operationId: "updateIntegration",
  tags,
  summary: "Update an integration",
  description:
    "Admin key only. Every property optional. `profile_uids` replaces the links: where an unlinked profile had this integration active, it is deactivated. A new `fixed_configuration` is applied at once to every event the integration applies to. A 409 means a linked profile changed at the same moment: retry.",
  request: { params: IntegrationIdParams, body: jsonBody(UpdateIntegrationBody) },
  responses: {
    200: dataResponse(IntegrationSchema, "The updated integration.", {
      ...INTEGRATION_EXAMPLE,
      api_access: false,
      updated_at: "2026-05-02T10:00:00.000Z",
    }),
    ...errorResponses(404, 409, 413),
  },
});

export const deleteIntegration = createRoute({
  method: "delete",
  path: "/integrations/{id}",
  operationId: "deleteIntegration",
  tags,
  summary: "Delete an integration",
  description:
    "Admin key only. Deactivates it on every profile where it is active (their events' fixed fields stay, unlocked), deletes its keys (they answer 401 at once), webhooks and links, and points event overrides that named it back at their profile (`integration_id: null`). Past deliveries stay in the log. A 409 means a profile changed at the same moment: retry.",
  request: { params: IntegrationIdParams },
  responses: { 204: noContent("Deleted."), ...errorResponses(404, 409) },
});

export const createKey = createRoute({
  method: "post",
  path: "/integrations/{id}/keys",
  operationId: "createIntegrationKey",
  tags: keyTags,
  summary: "Create an integration key",
  description:
    "A `wft_live_` key for the external system, while the integration's `api_access` is on. Its `scopes` say what it may do with the integration's linked profiles: read events (`events:read`), read attendees (`attendees:read`, mapped by the integration's field mapping), and create, update and pay attendees (`attendees:write`); read-only by default, and every other route answers it 403. It may be given an end (`expires_at`). The body is optional. The secret is in this response only.",
  middleware: [idempotent] as const,
  request: {
    params: IntegrationIdParams,
    headers: IdempotencyHeaders,
    body: { ...jsonBody(CreateKeyBody), required: false },
  },
  responses: {
    201: dataResponse(
      CreatedApiKeySchema,
      "The new key with its secret.",
      CREATED_LIVE_KEY_EXAMPLE,
    ),
    ...errorResponses(404, 409, 413),
  },
});

export const listKeys = createRoute({
  method: "get",
  path: "/integrations/{id}/keys",
  operationId: "listIntegrationKeys",
  tags: keyTags,
  summary: "List an integration's keys",
  description:
    "Keys not revoked, oldest first, never with the secret. A rotated key shows the `expires_at` after which it answers 401.",
  request: { params: IntegrationIdParams, query: PageQuery },
  responses: {
    200: listResponse(ApiKeySchema, "One page of keys, without secrets.", LIVE_KEY_EXAMPLE),
    ...errorResponses(404),
  },
});

export const rotateKey = createRoute({
  method: "post",
  path: "/integrations/{id}/keys/{key_id}/rotate",
  operationId: "rotateIntegrationKey",
  tags: keyTags,
  summary: "Rotate an integration key",
  description:
    "Returns a new key (secret shown once) with the old key's scopes and, if the old key had an end (`expires_at`), the same end; and sets the old key's `expires_at` to now + `grace_seconds` (default 86400, at most 604800, 0 ends it now); until then both work. Rotating again never moves an expiry later (rotate the newest key: a key already rotated passes its shortened end on). The body is optional. An already expired key cannot be rotated (409). Accepts `idempotency-key`: a retried rotation returns the same new key.",
  middleware: [idempotent] as const,
  request: {
    params: IntegrationKeyParams,
    headers: IdempotencyHeaders,
    body: { ...jsonBody(RotateKeyBody), required: false },
  },
  responses: {
    201: dataResponse(CreatedApiKeySchema, "The new key with its secret.", {
      ...CREATED_LIVE_KEY_EXAMPLE,
      id: "key_6p1r3t5v7x9z0b2d4f8h",
      prefix: "wft_live_Tq9c",
      key: "wft_live_Tq9cV1mX0rZ7yB4nK2sD8fH6jL3pW5eA1uG9iO0tR2k",
      created_at: "2026-05-10T09:00:00.000Z",
    }),
    ...errorResponses(404, 409, 413),
  },
});

export const revokeKey = createRoute({
  method: "delete",
  path: "/integrations/{id}/keys/{key_id}",
  operationId: "revokeIntegrationKey",
  tags: keyTags,
  summary: "Revoke an integration key",
  description: "Revokes at once: the key answers 401 from now on.",
  request: { params: IntegrationKeyParams },
  responses: { 204: noContent("Revoked."), ...errorResponses(404) },
});
