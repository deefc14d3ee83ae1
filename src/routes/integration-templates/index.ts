import { createRouter } from "../router";
import * as handlers from "./integration-templates.handlers";
import * as routes from "./integration-templates.routes";

export const integrationTemplatesRouter = createRouter()
  .openapi(routes.listTemplates, handlers.listTemplates)
  .openapi(routes.getTemplate, handlers.getTemplate);
