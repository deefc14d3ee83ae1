import type { RequestSession } from "./db/session";
import type { Deps } from "./deps";
import type { Logger } from "./lib/log";
import type { KeyScope } from "./lib/types";
import type { Grant } from "./services/access";

/** Who is calling: set by the auth middleware on every /v1 route. */
export type Auth =
  | { kind: "bootstrap" }
  | { kind: "admin"; accountId: string; keyId: string }
  | {
      kind: "integration";
      accountId: string;
      keyId: string;
      integrationId: string;
      /** What it may do (API.md §8). */
      scopes: KeyScope[];
      /**
       * What the key grants, read with the key: at once for a key new to this isolate, else with
       * the request's first D1 read (null until then; src/auth/middleware.ts).
       */
      grant: Grant | null;
    };

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Logs lines that name this request (set first: errors of the rest are logged with it). */
    log: Logger;
    /** This request's dependencies (D1, the queue, the clock, its logger), made by app.ts. */
    deps: Deps;
    /** This request's D1 session (reads near, writes to the primary; src/db/session.ts). */
    session: RequestSession;
    auth: Auth;
  };
};
