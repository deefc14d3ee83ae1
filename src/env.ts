import type { IntegrationRow } from "./db/queries/integrations";
import type { Deps } from "./deps";

/** Who is calling: set by the auth middleware on every /v1 route. */
export type Auth =
  | { kind: "bootstrap" }
  | { kind: "admin"; accountId: string; keyId: string }
  | {
      kind: "integration";
      accountId: string;
      keyId: string;
      integrationId: string;
      /** What the key grants, read with the key itself (undefined: the integration is gone). */
      integration: IntegrationRow | undefined;
      profileIds: string[];
    };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** This request's dependencies (D1, the queue, the clock, its logger), made by app.ts. */
    deps: Deps;
    auth: Auth;
  };
};
