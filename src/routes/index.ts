import { accountsRouter } from "./accounts";

/** Every router mounted under /v1. */
export const v1Routes = [accountsRouter];
