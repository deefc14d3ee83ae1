import { createRouter } from "../router";
import * as handlers from "./event-overrides.handlers";
import * as routes from "./event-overrides.routes";

export const eventOverridesRouter = createRouter()
  .openapi(routes.getOverride, handlers.getOverride)
  .openapi(routes.putOverride, handlers.putOverride)
  .openapi(routes.deleteOverride, handlers.deleteOverride);
