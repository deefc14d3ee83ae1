import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { dataOf, jsonBody, jsonContent } from "../common.schemas";
import { ProfileUidParams } from "../profiles/profiles.schemas";
import { ActivateBody, ActivationSchema, ActiveIntegrationSchema } from "./activation.schemas";

const tags = ["Activation"];

export const getActivation = createRoute({
  method: "get",
  path: "/profiles/{uid}/integration",
  tags,
  summary: "The profile's active integration",
  description: "`integration_id` is null when none is active.",
  request: { params: ProfileUidParams },
  responses: {
    200: jsonContent(dataOf(ActiveIntegrationSchema), "The active integration."),
    ...errorResponses(),
  },
});

export const activate = createRoute({
  method: "put",
  path: "/profiles/{uid}/integration",
  tags,
  summary: "Activate an integration on the profile",
  description:
    "Makes the integration the profile's only active one (its webhooks fire for the profile's events, and its fixed configuration is added, locked, to their forms). The integration must list the profile in `profile_uids`, else 409; an unknown `integration_id` is 404 (the integration is what the request acts on). Activations of one profile are serialised: the `replaced_integration_id` values of concurrent requests form one unbroken chain.",
  request: { params: ProfileUidParams, body: jsonBody(ActivateBody) },
  responses: {
    200: jsonContent(dataOf(ActivationSchema), "The activation and what it replaced."),
    ...errorResponses(409),
  },
});

export const deactivate = createRoute({
  method: "delete",
  path: "/profiles/{uid}/integration",
  tags,
  summary: "Deactivate the profile's integration",
  description:
    "Answers 200 (not 204) with `integration_id: null` and the `replaced_integration_id` that was active (null when none was, which is not an error). The events' fixed fields stay in their forms, unlocked.",
  request: { params: ProfileUidParams },
  responses: {
    200: jsonContent(dataOf(ActivationSchema), "What was deactivated.", {
      data: {
        profile_uid: "prf_8k2m4n6p0q1r3s5t7u9v",
        integration_id: null,
        replaced_integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
      },
    }),
    ...errorResponses(409),
  },
});
