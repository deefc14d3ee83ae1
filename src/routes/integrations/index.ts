import { createRouter } from "../router";
import * as handlers from "./integrations.handlers";
import * as routes from "./integrations.routes";

export const integrationsRouter = createRouter()
  .openapi(routes.createIntegration, handlers.createIntegration)
  .openapi(routes.listIntegrations, handlers.listIntegrations)
  .openapi(routes.getIntegration, handlers.getIntegration)
  .openapi(routes.updateIntegration, handlers.updateIntegration)
  .openapi(routes.deleteIntegration, handlers.deleteIntegration)
  .openapi(routes.createKey, handlers.createKey)
  .openapi(routes.listKeys, handlers.listKeys)
  .openapi(routes.rotateKey, handlers.rotateKey)
  .openapi(routes.revokeKey, handlers.revokeKey);
