import { createRouter } from "../router";
import * as handlers from "./webhook-test.handlers";
import * as routes from "./webhook-test.routes";

export const webhookTestRouter = createRouter().openapi(routes.testWebhook, handlers.testWebhook);
