import { accountsRouter } from "./accounts";
import { actionsRouter } from "./actions";
import { activationRouter } from "./activation";
import { attendeesRouter } from "./attendees";
import { deliveriesRouter } from "./deliveries";
import { effectiveIntegrationRouter } from "./effective-integration";
import { eventOverridesRouter } from "./event-overrides";
import { eventsRouter } from "./events";
import { integrationTemplatesRouter } from "./integration-templates";
import { integrationsRouter } from "./integrations";
import { profilesRouter } from "./profiles";
import { webhookTestRouter } from "./webhook-test";
import { webhooksRouter } from "./webhooks";

/** Every router mounted under /v1. */
export const v1Routes = [
  accountsRouter,
  profilesRouter,
  eventsRouter,
  attendeesRouter,
  integrationsRouter,
  integrationTemplatesRouter,
  webhooksRouter,
  activationRouter,
  eventOverridesRouter,
  effectiveIntegrationRouter,
  deliveriesRouter,
  webhookTestRouter,
  actionsRouter,
];
