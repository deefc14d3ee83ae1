import { createRouter } from "../router";
import * as handlers from "./accounts.handlers";
import * as routes from "./accounts.routes";

export const accountsRouter = createRouter()
  .openapi(routes.createAccount, handlers.createAccount)
  .openapi(routes.getAccount, handlers.getAccount)
  .openapi(routes.createAdminKey, handlers.createAdminKey)
  .openapi(routes.listAdminKeys, handlers.listAdminKeys)
  .openapi(routes.revokeAdminKey, handlers.revokeAdminKey)
  .openapi(routes.getAccountFieldMapping, handlers.getAccountFieldMapping)
  .openapi(routes.putAccountFieldMapping, handlers.putAccountFieldMapping);
