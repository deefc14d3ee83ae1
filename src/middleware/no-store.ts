import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/**
 * `cache-control: no-store` on every answer it wraps, errors included: /v1 answers carry keys,
 * secrets and personal data, which no browser or proxy cache may keep.
 */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  // On the answer itself: `c.header` after the handler copies the whole Response.
  c.res.headers.set("cache-control", "no-store");
});
