import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

// Must match `simple.period` of the RATE_LIMITER binding in wrangler.toml.
const PERIOD_SECONDS = 10;

/** Per-key limit (wrangler.toml `RATE_LIMITER`): over it, 429 with `retry-after`. Runs after auth. */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.get("auth");
  const key = auth.kind === "bootstrap" ? "bootstrap" : auth.keyId;
  const { success } = await c.env.RATE_LIMITER.limit({ key });
  if (!success) {
    const retryAfter = PERIOD_SECONDS - (Math.floor(Date.now() / 1000) % PERIOD_SECONDS);
    throw new ApiError("RATE_LIMITED", "Too many requests for this key; slow down.", {
      headers: { "retry-after": String(retryAfter) },
    });
  }
  await next();
});
