import { createRouter } from "../router";
import * as handlers from "./triggers.handlers";
import * as routes from "./triggers.routes";

export const triggersRouter = createRouter()
  .openapi(routes.listTriggers, handlers.listTriggers)
  .openapi(routes.getTrigger, handlers.getTrigger);
