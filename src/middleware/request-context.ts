import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { createDeps } from "../deps";
import type { AppEnv } from "../env";
import { createLogger } from "../lib/log";

/**
 * Gives every request an id (echoed in `x-request-id` and in error bodies) and its dependencies,
 * with a logger that names the request; when it ends, one log line says how it went.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
  const log = createLogger({ request_id: requestId });
  c.set("requestId", requestId);
  c.set("deps", createDeps(c.env, c.executionCtx, log));
  await next();
  c.header("x-request-id", requestId);
  const auth = c.get("auth");
  log.info("request", {
    method: c.req.method,
    route: routePath(c, -1),
    status: c.res.status,
    duration_ms: Date.now() - started,
    account_id: auth && auth.kind !== "bootstrap" ? auth.accountId : undefined,
  });
});
