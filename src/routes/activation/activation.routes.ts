import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../openapi/components";
import { dataResponse, jsonBody } from "../common.schemas";
import { ProfileUidParams } from "../profiles/profiles.schemas";
import {
  ACTIVATION_EXAMPLE,
  ACTIVE_INTEGRATION_EXAMPLE,
  ActivateBody,
  ActivationSchema,
  ActiveIntegrationSchema,
  DEACTIVATION_EXAMPLE,
} from "./activation.schemas";

const tags = ["Activation"];

export const getActivation = createRoute({
  method: "get",
  path: "/profiles/{uid}/integration",
  operationId: "getActiveIntegration",
  tags,
  summary: "The profile's active integration",
  description: "`integration_id` is null when none is active. Admin key only.",
  request: { params: ProfileUidParams },
  responses: {
    200: dataResponse(
      ActiveIntegrationSchema,
      "The active integration.",
      ACTIVE_INTEGRATION_EXAMPLE,
    ),
    ...errorResponses(404),
  },
});

export const activate = createRoute({
  method: "put",
  path: "/profiles/{uid}/integration",
  operationId: "activateIntegration",
  tags,
  summary: "Activate an integration on the profile",
  description:
    "Makes the integration the profile's only active one (its webhooks fire for the profile's events, and its fixed configuration is added, locked, to their forms). The integration must list the profile in `profile_uids`, else 409; an unknown `integration_id` is 404 (the integration is what the request acts on). Activations of one profile are serialised: the `replaced_integration_id` values of concurrent requests form one unbroken chain.",
  request: { params: ProfileUidParams, body: jsonBody(ActivateBody) },
  responses: {
    200: dataResponse(ActivationSchema, "The activation and what it replaced.", ACTIVATION_EXAMPLE),
    ...errorResponses(404, 409, 413),
  },
});

export const deactivate = createRoute({
  method: "delete",
  path: "/profiles/{uid}/integration",
  operationId: "deactivateIntegration",
  tags,
  summary: "Deactivate the profile's integration",
  description:
    "Answers 200 (not 204) with `integration_id: null` and the `replaced_integration_id` that was active (null when none was, which is not an error). The events' fixed fields stay in their forms, unlocked. A 409 means the profile changed at the same moment: retry.",
  request: { params: ProfileUidParams },
  responses: {
    200: dataResponse(ActivationSchema, "What was deactivated.", DEACTIVATION_EXAMPLE),
    ...errorResponses(404, 409),
  },
});
