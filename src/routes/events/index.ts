import { createRouter } from "../router";
import * as handlers from "./events.handlers";
import * as routes from "./events.routes";

export const eventsRouter = createRouter()
  .openapi(routes.createEvent, handlers.createEvent)
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.getEvent, handlers.getEvent)
  .openapi(routes.updateEvent, handlers.updateEvent)
  .openapi(routes.deleteEvent, handlers.deleteEvent)
  .openapi(routes.getEventFields, handlers.getEventFields);
