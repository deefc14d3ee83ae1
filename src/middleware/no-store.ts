import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/**
 * `cache-control: no-store` on every answer it wraps, errors included: /v1 answers carry keys,
 * secrets and personal data, which no browser or proxy cache may keep.
 */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header("cache-control", "no-store");
});
