import { createRouter } from "../router";
import * as handlers from "./activation.handlers";
import * as routes from "./activation.routes";

export const activationRouter = createRouter()
  .openapi(routes.getActivation, handlers.getActivation)
  .openapi(routes.activate, handlers.activate)
  .openapi(routes.deactivate, handlers.deactivate);
