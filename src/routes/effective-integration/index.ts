import { createRouter } from "../router";
import * as handlers from "./effective-integration.handlers";
import * as routes from "./effective-integration.routes";

export const effectiveIntegrationRouter = createRouter().openapi(
  routes.getEffectiveIntegration,
  handlers.getEffectiveIntegration,
);
