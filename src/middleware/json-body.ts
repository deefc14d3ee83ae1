import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

export const MAX_BODY_BYTES = 256 * 1024;

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Bodies over 256 KB are refused before they are read whole. */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("PAYLOAD_TOO_LARGE", "The request body is over 256 KB.");
  },
});

/** A request that carries a body must say it is JSON. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const hasBody =
    c.req.header("transfer-encoding") !== undefined ||
    Number(c.req.header("content-length") ?? 0) > 0;
  if (hasBody && !["GET", "HEAD", "DELETE"].includes(c.req.method)) {
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0].trim();
    if (!JSON_TYPE.test(mediaType)) {
      throw new ApiError(
        "BAD_REQUEST",
        "Send the body as JSON with `content-type: application/json`.",
      );
    }
  }
  await next();
});
