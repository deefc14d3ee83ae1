import { accountsRouter } from "./accounts";
import { eventsRouter } from "./events";
import { profilesRouter } from "./profiles";

/** Every router mounted under /v1. */
export const v1Routes = [accountsRouter, profilesRouter, eventsRouter];
