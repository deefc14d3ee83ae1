import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import {
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  listResponse,
  noContent,
  PaginationQuery,
} from "../common.schemas";
import { FIELD_MAPPING_EXAMPLE, FieldMappingBody } from "../field-mapping.schemas";
import {
  CreateProfileBody,
  PROFILE_EXAMPLE,
  ProfileSchema,
  ProfileUidParams,
  UpdateProfileBody,
} from "./profiles.schemas";

const tags = ["Profiles"];
const NEW_PROFILE = { ...PROFILE_EXAMPLE, active_integration_id: null };

export const createProfile = createRoute({
  method: "post",
  path: "/profiles",
  operationId: "createProfile",
  tags,
  summary: "Create a profile",
  description:
    "A profile groups events (a brand, a department). Integrations are linked to and activated on profiles. Admin key only.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateProfileBody) },
  responses: {
    201: dataResponse(ProfileSchema, "The new profile.", NEW_PROFILE),
    ...errorResponses(409, 413),
  },
});

export const listProfiles = createRoute({
  method: "get",
  path: "/profiles",
  operationId: "listProfiles",
  tags,
  summary: "List profiles",
  description: "The account's profiles, oldest first. Admin key only.",
  request: { query: PaginationQuery },
  responses: {
    200: listResponse(ProfileSchema, "One page of profiles.", PROFILE_EXAMPLE),
    ...errorResponses(),
  },
});

export const getProfile = createRoute({
  method: "get",
  path: "/profiles/{uid}",
  operationId: "getProfile",
  tags,
  summary: "Get a profile",
  description: "One profile of the account, with its active integration. Admin key only.",
  request: { params: ProfileUidParams },
  responses: {
    200: dataResponse(ProfileSchema, "The profile.", PROFILE_EXAMPLE),
    ...errorResponses(404),
  },
});

export const updateProfile = createRoute({
  method: "patch",
  path: "/profiles/{uid}",
  operationId: "updateProfile",
  tags,
  summary: "Update a profile",
  description: "Renames the profile. Admin key only.",
  request: { params: ProfileUidParams, body: jsonBody(UpdateProfileBody) },
  responses: {
    200: dataResponse(ProfileSchema, "The updated profile.", {
      ...PROFILE_EXAMPLE,
      name: "Acme Summits",
    }),
    ...errorResponses(404, 413),
  },
});

export const deleteProfile = createRoute({
  method: "delete",
  path: "/profiles/{uid}",
  operationId: "deleteProfile",
  tags,
  summary: "Delete a profile",
  description:
    "A profile that still has events cannot be deleted (409): delete its events first. Admin key only.",
  request: { params: ProfileUidParams },
  responses: { 204: noContent("Deleted."), ...errorResponses(404, 409) },
});

export const getProfileFieldMapping = createRoute({
  method: "get",
  path: "/profiles/{uid}/field-mapping",
  operationId: "getProfileFieldMapping",
  tags: ["Field mapping"],
  summary: "The profile's field mapping",
  description:
    "The third level of the effective mapping (account, integration, profile, event override): it applies to whichever integration reads or pushes this profile's attendees.",
  request: { params: ProfileUidParams },
  responses: {
    200: dataResponse(FieldMappingBody, "The mapping.", FIELD_MAPPING_EXAMPLE),
    ...errorResponses(404),
  },
});

export const putProfileFieldMapping = createRoute({
  method: "put",
  path: "/profiles/{uid}/field-mapping",
  operationId: "replaceProfileFieldMapping",
  tags: ["Field mapping"],
  summary: "Replace the profile's field mapping",
  description:
    "Replaces the whole list; an entry replaces an earlier level's entry of the same `name`.",
  request: { params: ProfileUidParams, body: jsonBody(FieldMappingBody) },
  responses: {
    200: dataResponse(FieldMappingBody, "The stored mapping.", FIELD_MAPPING_EXAMPLE),
    ...errorResponses(404, 413),
  },
});
