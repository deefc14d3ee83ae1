import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent } from "../../middleware/idempotency";
import {
  dataOf,
  IdempotencyHeaders,
  jsonBody,
  jsonContent,
  listOf,
  PaginationQuery,
} from "../common.schemas";
import { FieldMappingBody } from "../field-mapping.schemas";
import {
  CreateProfileBody,
  ProfileSchema,
  ProfileUidParams,
  UpdateProfileBody,
} from "./profiles.schemas";

const tags = ["Profile"];

export const createProfile = createRoute({
  method: "post",
  path: "/profiles",
  tags,
  summary: "Create a profile",
  description: "A profile groups events (a brand, a department). Admin key only.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateProfileBody) },
  responses: {
    201: jsonContent(dataOf(ProfileSchema), "The new profile."),
    ...errorResponses(409),
  },
});

export const listProfiles = createRoute({
  method: "get",
  path: "/profiles",
  tags,
  summary: "List profiles",
  description: "The account's profiles, oldest first. Admin key only.",
  request: { query: PaginationQuery },
  responses: {
    200: jsonContent(listOf(ProfileSchema), "One page of profiles."),
    ...errorResponses(),
  },
});

export const getProfile = createRoute({
  method: "get",
  path: "/profiles/{uid}",
  tags,
  summary: "Get a profile",
  request: { params: ProfileUidParams },
  responses: { 200: jsonContent(dataOf(ProfileSchema), "The profile."), ...errorResponses() },
});

export const updateProfile = createRoute({
  method: "patch",
  path: "/profiles/{uid}",
  tags,
  summary: "Update a profile",
  request: { params: ProfileUidParams, body: jsonBody(UpdateProfileBody) },
  responses: {
    200: jsonContent(dataOf(ProfileSchema), "The updated profile."),
    ...errorResponses(),
  },
});

export const deleteProfile = createRoute({
  method: "delete",
  path: "/profiles/{uid}",
  tags,
  summary: "Delete a profile",
  description: "A profile that still has events cannot be deleted (409): delete its events first.",
  request: { params: ProfileUidParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses(409) },
});

export const getProfileFieldMapping = createRoute({
  method: "get",
  path: "/profiles/{uid}/field-mapping",
  tags,
  summary: "The profile's field mapping",
  description:
    "The third level of the effective mapping (account, integration, profile, event override).",
  request: { params: ProfileUidParams },
  responses: { 200: jsonContent(dataOf(FieldMappingBody), "The mapping."), ...errorResponses() },
});

export const putProfileFieldMapping = createRoute({
  method: "put",
  path: "/profiles/{uid}/field-mapping",
  tags,
  summary: "Replace the profile's field mapping",
  request: { params: ProfileUidParams, body: jsonBody(FieldMappingBody) },
  responses: {
    200: jsonContent(dataOf(FieldMappingBody), "The stored mapping."),
    ...errorResponses(),
  },
});
