import type { Endpoints } from "./interface";

/** The endpoints of this deployment: one `ENDPOINT` object per webhook, called by RPC. */
export function endpoints(env: Pick<Env, "ENDPOINT">): Endpoints {
  return {
    wake: (webhookId) => env.ENDPOINT.getByName(webhookId).wake(webhookId),
  };
}
