import { createRouter } from "../router";
import * as handlers from "./actions.handlers";
import * as routes from "./actions.routes";

export const actionsRouter = createRouter()
  .openapi(routes.listEventActions, handlers.listEventActions)
  .openapi(routes.listAttendeeActions, handlers.listAttendeeActions)
  .openapi(routes.runEventAction, handlers.runEventAction)
  .openapi(routes.runAttendeeAction, handlers.runAttendeeAction)
  .openapi(routes.listEventAttendeeActions, handlers.listEventAttendeeActions)
  .openapi(routes.runActionOnAttendees, handlers.runActionOnAttendees);
