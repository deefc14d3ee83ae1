import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      RECEIVER_URL: string;
      TEST_RATE_LIMIT: number;
      TEST_AUTH_FAILURE_LIMIT: number;
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    receiverUrl: string;
  }
}
