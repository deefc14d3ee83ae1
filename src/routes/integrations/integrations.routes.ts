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
  PaginationQuery,
} from "../common.schemas";
import { ApiKeySchema, CreatedApiKeySchema } from "../keys.schemas";
import {
  CreateIntegrationBody,
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
  tags,
  summary: "Create an integration",
  description:
    "Admin only. `profile_uids` must be profiles of the account (else `VALIDATION_FAILED` naming `profile_uids.N`). Linking gives the integration's keys read access to those profiles (while `api_access` is on); activation is separate (`PUT /v1/profiles/{uid}/integration`).",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateIntegrationBody) },
  responses: {
    201: jsonContent(dataOf(IntegrationSchema), "The new integration."),
    ...errorResponses(409),
  },
});

export const listIntegrations = createRoute({
  method: "get",
  path: "/integrations",
  tags,
  summary: "List integrations",
  description: "Admin only. Oldest first.",
  request: { query: PaginationQuery },
  responses: { 200: jsonContent(listOf(IntegrationSchema), "A page."), ...errorResponses() },
});

export const getIntegration = createRoute({
  method: "get",
  path: "/integrations/{id}",
  tags,
  summary: "Get an integration",
  request: { params: IntegrationIdParams },
  responses: {
    200: jsonContent(dataOf(IntegrationSchema), "The integration."),
    ...errorResponses(),
  },
});

export const updateIntegration = createRoute({
  method: "patch",
  path: "/integrations/{id}",
  tags,
  summary: "Update an integration",
  description:
    "Every property optional. `profile_uids` replaces the links: where an unlinked profile had this integration active, it is deactivated. A new `fixed_configuration` is applied at once to every event the integration applies to.",
  request: { params: IntegrationIdParams, body: jsonBody(UpdateIntegrationBody) },
  responses: {
    200: jsonContent(dataOf(IntegrationSchema), "The updated integration."),
    ...errorResponses(409),
  },
});

export const deleteIntegration = createRoute({
  method: "delete",
  path: "/integrations/{id}",
  tags,
  summary: "Delete an integration",
  description:
    "Deactivates it on every profile where it is active (their events' fixed fields stay, unlocked), deletes its keys (they answer 401 at once), webhooks and links, and points event overrides that named it back at their profile (`integration_id: null`). Past deliveries stay in the log.",
  request: { params: IntegrationIdParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(409) },
});

export const createKey = createRoute({
  method: "post",
  path: "/integrations/{id}/keys",
  tags: keyTags,
  summary: "Create an integration key",
  description:
    "A `wft_live_` key that reads events and attendees of the integration's linked profiles while `api_access` is on; every write route answers it 403. The secret is in this response only.",
  middleware: [idempotent] as const,
  request: { params: IntegrationIdParams, headers: IdempotencyHeaders },
  responses: {
    201: jsonContent(dataOf(CreatedApiKeySchema), "The new key with its secret."),
    ...errorResponses(409),
  },
});

export const listKeys = createRoute({
  method: "get",
  path: "/integrations/{id}/keys",
  tags: keyTags,
  summary: "List an integration's keys",
  description:
    "Keys not revoked, oldest first, never with the secret. A rotated key shows the `expires_at` after which it answers 401.",
  request: { params: IntegrationIdParams, query: PageQuery },
  responses: {
    200: jsonContent(listOf(ApiKeySchema), "The keys."),
    ...errorResponses(),
  },
});

export const rotateKey = createRoute({
  method: "post",
  path: "/integrations/{id}/keys/{key_id}/rotate",
  tags: keyTags,
  summary: "Rotate an integration key",
  description:
    "Returns a new key (secret shown once) and sets the old key's `expires_at` to now + `grace_seconds` (default 86400, at most 604800, 0 ends it now); until then both work. Rotating again never moves an expiry later. The body is optional. An already expired key cannot be rotated (409). Accepts `idempotency-key`: a retried rotation returns the same new key.",
  middleware: [idempotent] as const,
  request: {
    params: IntegrationKeyParams,
    headers: IdempotencyHeaders,
    body: { ...jsonBody(RotateKeyBody), required: false },
  },
  responses: {
    201: jsonContent(dataOf(CreatedApiKeySchema), "The new key with its secret."),
    ...errorResponses(409),
  },
});

export const revokeKey = createRoute({
  method: "delete",
  path: "/integrations/{id}/keys/{key_id}",
  tags: keyTags,
  summary: "Revoke an integration key",
  description: "Revokes at once: the key answers 401 from now on.",
  request: { params: IntegrationKeyParams },
  responses: { 204: { description: "Revoked." }, ...errorResponses() },
});
