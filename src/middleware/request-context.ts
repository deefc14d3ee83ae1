import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { RequestSession } from "../db/session";
import { createDeps } from "../deps";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { createLogger } from "../lib/log";

/** A D1 bookmark as D1 hands them out: four dash-separated groups of hex digits. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/**
 * Gives every request an id (echoed in `x-request-id` and in error bodies), its D1 session (from
 * the `x-d1-bookmark` the client sent, echoed with the newest one it saw) and its dependencies,
 * with a logger that names the request; when it ends, one log line says how it went.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
  const log = createLogger({ request_id: requestId });
  c.set("requestId", requestId);
  c.set("log", log);
  const session = new RequestSession(c.env.DB, bookmarkOf(c.req.header("x-d1-bookmark")));
  c.set("session", session);
  c.set("deps", createDeps(c.env, c.executionCtx, { log, session }));
  await session.run(() => next());
  // On the answer itself: `c.header` after the handler copies the whole Response each time.
  c.res.headers.set("x-request-id", requestId);
  const bookmark = session.bookmark();
  if (bookmark && c.req.path.startsWith("/v1/")) c.res.headers.set("x-d1-bookmark", bookmark);
  const auth = c.get("auth");
  log.info("request", {
    method: c.req.method,
    route: routePath(c, -1),
    status: c.res.status,
    duration_ms: Date.now() - started,
    account_id: auth && auth.kind !== "bootstrap" ? auth.accountId : undefined,
  });
});

function bookmarkOf(header: string | undefined): string | null {
  if (header === undefined || header === "") return null;
  if (!BOOKMARK.test(header)) {
    throw new ApiError("BAD_REQUEST", "`x-d1-bookmark` is not a bookmark Weft handed out.", {
      details: [{ path: "x-d1-bookmark", message: "Send back the value of a response's header." }],
    });
  }
  return header;
}
