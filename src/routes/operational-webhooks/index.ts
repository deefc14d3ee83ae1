import { createRouter } from "../router";
import * as handlers from "./operational-webhooks.handlers";
import * as routes from "./operational-webhooks.routes";

export const operationalWebhooksRouter = createRouter()
  .openapi(routes.createOperationalWebhook, handlers.createOperationalWebhook)
  .openapi(routes.listOperationalWebhooks, handlers.listOperationalWebhooks)
  .openapi(routes.getOperationalWebhook, handlers.getOperationalWebhook)
  .openapi(routes.updateOperationalWebhook, handlers.updateOperationalWebhook)
  .openapi(routes.deleteOperationalWebhook, handlers.deleteOperationalWebhook)
  .openapi(routes.rotateOperationalSecret, handlers.rotateOperationalSecret)
  .openapi(routes.listOperationalDeliveries, handlers.listOperationalDeliveries);
