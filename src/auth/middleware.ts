import { createMiddleware } from "hono/factory";
import { findKeyByHash, touchKey } from "../db/queries/api-keys";
import type { Deps } from "../deps";
import { hashKey, kindOf, safeEqual } from "../domain/api-key";
import type { AppEnv, Auth } from "../env";
import { ApiError } from "../errors";
import { iso } from "../lib/time";

// Writing last_used_at on every request would double the writes of a read; a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;

const unauthorized = (message: string) => new ApiError("UNAUTHORIZED", message);

/** Resolves `authorization: Bearer <key>` into c.var.auth, or answers 401. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw unauthorized("Send your key as `authorization: Bearer <key>`.");
  c.set("auth", await resolveKey(c.env, c.var.deps, match[1]));
  await next();
});

async function resolveKey(env: Env, deps: Deps, secret: string): Promise<Auth> {
  const kind = kindOf(secret);
  if (!kind) {
    if (env.BOOTSTRAP_TOKEN && (await safeEqual(secret, env.BOOTSTRAP_TOKEN))) {
      return { kind: "bootstrap" };
    }
    throw unauthorized("Unknown key.");
  }
  const found = await findKeyByHash(deps.db, await hashKey(secret));
  const row = found?.key;
  const now = iso(deps.now());
  if (!found || !row || row.kind !== kind) throw unauthorized("Unknown key.");
  if (row.revokedAt) throw unauthorized("This key has been revoked.");
  if (row.expiresAt && row.expiresAt <= now) throw unauthorized("This key has expired.");
  if (!row.lastUsedAt || Date.parse(now) - Date.parse(row.lastUsedAt) > LAST_USED_RESOLUTION_MS) {
    deps.waitUntil(touchKey(deps.db, row.id, now));
  }
  if (row.kind === "admin") return { kind: "admin", accountId: row.accountId, keyId: row.id };
  // An integration key without its integration grants nothing (never an admin's rights).
  if (!row.integrationId) throw unauthorized("Unknown key.");
  return {
    kind: "integration",
    accountId: row.accountId,
    keyId: row.id,
    integrationId: row.integrationId,
    integration: found.integration,
    profileIds: found.profileIds,
  };
}
