import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/** Gives every request an id, echoed in `x-request-id` and in error bodies. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = `req_${crypto.randomUUID().replaceAll("-", "")}`;
  c.set("requestId", id);
  await next();
  c.header("x-request-id", id);
});
