import { createMiddleware } from "hono/factory";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  IDEMPOTENCY_WINDOW_SECONDS,
  releaseIdempotencyKey,
} from "../db/queries/idempotency";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { sha256Hex } from "../lib/encoding";
import { decryptSecret, encryptSecret } from "../lib/secret-box";
import { addSeconds, iso } from "../lib/time";

/**
 * On a creating POST: the same `idempotency-key` and body within 24 h replays the first
 * response; another body, or the first request still running, is a 409.
 */
export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (key.length < 1 || key.length > 255) {
    throw new ApiError("VALIDATION_FAILED", "The request did not match the schema.", {
      details: [{ path: "idempotency-key", message: "Must be 1 to 255 characters." }],
    });
  }
  const auth = c.get("auth");
  const scope = auth.kind === "bootstrap" ? "bootstrap" : auth.accountId;
  const { db } = c.get("deps");
  const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const now = iso(c.get("deps").now());

  const existing = await findIdempotencyKey(db, scope, key);
  if (existing && existing.createdAt < addSeconds(now, -IDEMPOTENCY_WINDOW_SECONDS)) {
    await releaseIdempotencyKey(db, scope, key);
  } else if (existing) {
    if (existing.requestHash !== requestHash) {
      throw new ApiError("CONFLICT", "This idempotency-key was used with another request body.");
    }
    if (existing.status === 0) {
      throw new ApiError("CONFLICT", "A request with this idempotency-key is still in progress.");
    }
    return c.body(
      await decryptSecret(c.get("deps").secretsKey, existing.body),
      existing.status as 201,
      {
        "content-type": "application/json",
        "idempotent-replayed": "true",
      },
    );
  }

  if (!(await claimIdempotencyKey(db, { scope, key, requestHash, createdAt: now }))) {
    throw new ApiError("CONFLICT", "A request with this idempotency-key is still in progress.");
  }
  try {
    await next();
  } finally {
    // Only successes are replayed; after an error the client may fix the body and retry the key.
    // Stored encrypted: the responses of creates carry the new key or signing secret.
    if (c.res.status >= 200 && c.res.status < 300) {
      const body = await encryptSecret(c.get("deps").secretsKey, await c.res.clone().text());
      await completeIdempotencyKey(db, scope, key, { status: c.res.status, body });
    } else {
      await releaseIdempotencyKey(db, scope, key);
    }
  }
});
