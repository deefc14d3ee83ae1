import type { Database } from "./db/client";

/** Who is calling: set by the auth middleware on every /v1 route. */
export type Auth =
  | { kind: "bootstrap" }
  | { kind: "admin"; accountId: string; keyId: string }
  | { kind: "integration"; accountId: string; keyId: string; integrationId: string };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Database;
    auth: Auth;
  };
};
