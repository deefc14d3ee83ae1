import type { Database } from "./db/client";
import type { IntegrationRow } from "./db/queries/integrations";

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
    db: Database;
    auth: Auth;
  };
};
