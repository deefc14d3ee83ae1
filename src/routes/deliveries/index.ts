import { createRouter } from "../router";
import * as handlers from "./deliveries.handlers";
import * as routes from "./deliveries.routes";

export const deliveriesRouter = createRouter()
  .openapi(routes.listDeliveries, handlers.listDeliveries)
  .openapi(routes.getDelivery, handlers.getDelivery)
  .openapi(routes.redeliverDelivery, handlers.redeliverDelivery)
  .openapi(routes.recoverDeliveries, handlers.recoverDeliveries);
