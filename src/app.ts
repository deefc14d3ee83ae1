import { HTTPException } from "hono/http-exception";
import { authenticate } from "./auth/middleware";
import { consoleAsset, consolePage } from "./console-page";
import { DatabaseUnavailable } from "./db/unavailable";
import { docsAsset, docsPage } from "./docs-page";
import { ApiError, errorBody } from "./errors";
import { limitBody, requireJsonBody } from "./middleware/json-body";
import { noStore } from "./middleware/no-store";
import { rateLimit } from "./middleware/rate-limit";
import { requestContext } from "./middleware/request-context";
import { securityHeaders } from "./middleware/security-headers";
import { describeApi, openApiDocument } from "./openapi/document";
import { v1Routes } from "./routes";
import { createRouter } from "./routes/router";

/** How long a client waits before retrying when the database did not answer. */
const RETRY_AFTER_UNAVAILABLE_SECONDS = 2;

/** The whole HTTP API: middleware, every /v1 route, errors, the OpenAPI document, docs and console. */
export function createApp() {
  const app = createRouter();

  app.use("*", requestContext);
  app.use("*", securityHeaders);

  app.get("/health", (c) => c.json({ data: { status: "ok" } }));

  app.use("/v1/*", noStore, limitBody, requireJsonBody, authenticate, rateLimit);
  for (const router of v1Routes) app.route("/v1", router);

  describeApi(app);
  // The document depends only on the code: built once per isolate, on first request.
  let document: string | undefined;
  app.get("/openapi.json", (c) => {
    document ??= JSON.stringify(openApiDocument(app));
    return c.body(document, 200, { "content-type": "application/json" });
  });
  app.get("/docs", docsPage);
  app.get("/docs-assets/*", docsAsset);
  app.get("/console/assets/*", consoleAsset);
  app.get("/console/favicon.svg", consoleAsset);
  app.get("/console", consolePage);
  app.get("/console/*", consolePage);

  app.notFound((c) => {
    const error = new ApiError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`);
    return c.json(errorBody(error, c.get("requestId")), 404);
  });

  app.onError((err, c) => {
    const error = toApiError(err);
    if (error.code === "INTERNAL" || error.code === "UNAVAILABLE") {
      // The message stays in the logs of this request only; the client gets the id.
      const cause = err.cause instanceof Error ? err.cause : err;
      c.get("log").error("request failed", { error: err.name, detail: cause.message });
    }
    c.header("x-request-id", c.get("requestId"));
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(errorBody(error, c.get("requestId")), error.status);
  });

  return app;
}

function toApiError(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DatabaseUnavailable) {
    return new ApiError("UNAVAILABLE", "The database did not answer; retry in a moment.", {
      headers: { "retry-after": String(RETRY_AFTER_UNAVAILABLE_SECONDS) },
    });
  }
  if (err instanceof HTTPException && err.status === 400) {
    return new ApiError("BAD_REQUEST", err.message || "Malformed request.");
  }
  // hono's validator answers a body that is not JSON (an empty body sent as text/plain) with 415.
  if (err instanceof HTTPException && err.status === 415) {
    return new ApiError(
      "BAD_REQUEST",
      "Send the body as JSON with `content-type: application/json`.",
    );
  }
  if (err instanceof HTTPException && err.status === 413) {
    return new ApiError("PAYLOAD_TOO_LARGE", "The request body is over 256 KB.");
  }
  return new ApiError("INTERNAL", "Something went wrong on our side. Quote the request id.");
}
