import { createRouter } from "../router";
import * as handlers from "./attendees.handlers";
import * as routes from "./attendees.routes";

export const attendeesRouter = createRouter()
  .openapi(routes.createAttendee, handlers.createAttendee)
  .openapi(routes.listAttendees, handlers.listAttendees)
  .openapi(routes.getAttendee, handlers.getAttendee)
  .openapi(routes.updateAttendee, handlers.updateAttendee)
  .openapi(routes.deleteAttendee, handlers.deleteAttendee)
  .openapi(routes.addPayment, handlers.addPayment);
