import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { asStatements } from "../db/prepared";
import {
  findKeyByHash,
  type KeyWithGrant,
  keyGuard,
  keyGuardWithGrant,
  keyWithGrant,
  keyWithGrantQueries,
  refusedByKeyGuard,
  touchKey,
} from "../db/queries/api-keys";
import type { Rider, WriteGuard } from "../db/session";
import type { Deps } from "../deps";
import {
  hashKey,
  isWellFormedKey,
  type KeyKind,
  kindOf,
  safeEqual,
  scopesOf,
} from "../domain/api-key";
import type { AppEnv, Auth } from "../env";
import { ApiError } from "../errors";
import { iso } from "../lib/time";
import { countFailure, refuseBlockedAddress } from "./failed-auth";
import { forgetKey, type KeyFacts, knownKey, rememberKey } from "./known-keys";
import { claimStamp, isStale } from "./last-used";

const unauthorized = (message: string) => new ApiError("UNAUTHORIZED", message);

/**
 * Resolves `authorization: Bearer <key>` into c.var.auth, or answers 401. A key this isolate has
 * seen is not looked up on its own: its check rides on the request's first D1 read (one round
 * trip for the whole request, API.md §8), and nothing is answered or written before it passed.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  const used: Used = {};
  try {
    if (!match) throw unauthorized("Send your key as `authorization: Bearer <key>`.");
    c.set("auth", await resolveKey(c, match[1], used));
  } catch (error) {
    if (error instanceof ApiError && error.code === "UNAUTHORIZED") {
      throw await countFailure(c, error);
    }
    throw error;
  }
  await next();
  // A request that answered without reading D1 still answers only for a key that works.
  await c.get("session").settle();
  const { stamp } = used;
  // After the response: the stamp is bookkeeping, not something the request waits for.
  if (stamp) c.get("deps").waitUntil(afterThisTask(stamp));
});

/** What to write once the request has answered: the key's last use, when it is stale. */
type Used = { stamp?: () => Promise<unknown> };

function afterThisTask(work: () => Promise<unknown>): Promise<unknown> {
  return new Promise((resolve) => setTimeout(resolve, 0)).then(work);
}

async function resolveKey(c: Context<AppEnv>, secret: string, used: Used): Promise<Auth> {
  const kind = kindOf(secret);
  if (!kind) {
    if (c.env.BOOTSTRAP_TOKEN && (await safeEqual(secret, c.env.BOOTSTRAP_TOKEN))) {
      return { kind: "bootstrap" };
    }
    throw unauthorized("Unknown key.");
  }
  // A string that cannot be a key is refused without asking D1.
  if (!isWellFormedKey(secret)) throw unauthorized("Unknown key.");
  const deps = c.get("deps");
  const hash = await hashKey(secret);
  // One instant for the guard and the check: what one lets through, the other does too.
  const now = iso(deps.now());
  const session = c.get("session");
  const guard: WriteGuard = {
    statement: keyGuard(hash, now),
    failedOn: refusedByKeyGuard,
    refusal: () => forgotten(hash, unauthorized("This key has been revoked or has expired.")),
  };
  const facts = knownKey(hash);
  if (facts && facts.kind === kind)
    return checkedWithFirstRead({ deps, session }, guard, hash, now, facts, used);
  session.guardWrites(guard);

  // Only a key this isolate does not know is looked up: an address that keeps failing waits.
  refuseBlockedAddress(c);
  // A replica may not have the key yet (it was created a moment ago): ask the primary too.
  const found =
    (await findKeyByHash(deps.db, hash)) ??
    (await deps.onPrimary(() => findKeyByHash(deps.db, hash)));
  const auth = admit(deps, hash, now, kind, found, used);
  if (auth.kind !== "bootstrap") rememberKey(hash, factsOf(auth));
  return auth;
}

/**
 * An Auth built from what never changes, completed by the check riding on the first read, or on
 * the first write when the request writes before it reads.
 */
function checkedWithFirstRead(
  vars: { deps: Deps; session: AppEnv["Variables"]["session"] },
  guard: WriteGuard,
  hash: string,
  now: string,
  facts: KeyFacts,
  used: Used,
): Auth {
  const auth: Auth =
    facts.kind === "admin"
      ? { kind: "admin", accountId: facts.accountId, keyId: facts.keyId }
      : {
          kind: "integration",
          accountId: facts.accountId,
          keyId: facts.keyId,
          integrationId: facts.integrationId ?? "",
          scopes: facts.scopes ?? [],
          grant: null,
        };
  const { statements, read } = asStatements(keyWithGrantQueries(vars.deps.db, hash));
  const rider: Rider = {
    statements,
    verify: (results) => {
      const checked = admit(vars.deps, hash, now, facts.kind, keyWithGrant(read(results)), used);
      // Mutated in place: handlers hold this object; the grant is read after the first query.
      Object.assign(auth, checked);
    },
  };
  vars.session.ride(rider);
  // A write that carries the check leads with guard and check in one statement.
  const [check] = statements;
  vars.session.guardWrites({
    ...guard,
    withCheck: { rider, statement: () => keyGuardWithGrant(vars.deps.db, hash, now, check) },
  });
  return auth;
}

/** The key as an Auth, or 401 (unknown, revoked, expired); notes when last_used_at is stale. */
function admit(
  deps: Deps,
  hash: string,
  now: string,
  kind: KeyKind,
  found: KeyWithGrant | undefined,
  used: Used,
): Auth {
  const row = found?.key;
  if (!found || !row || row.kind !== kind) return refuse(hash, "Unknown key.");
  if (row.revokedAt) return refuse(hash, "This key has been revoked.");
  if (row.expiresAt && row.expiresAt <= now) return refuse(hash, "This key has expired.");
  if (isStale(row.lastUsedAt, now)) {
    used.stamp = async () => {
      if (claimStamp(row.id, row.lastUsedAt)) await touchKey(deps.db, row.id, now);
    };
  }
  if (row.kind === "admin") return { kind: "admin", accountId: row.accountId, keyId: row.id };
  // An integration key without its integration grants nothing (never an admin's rights).
  if (!row.integrationId || !found.integration) return refuse(hash, "Unknown key.");
  if (!found.integration.apiAccess) {
    throw new ApiError("FORBIDDEN", "API access is turned off for this integration.");
  }
  return {
    kind: "integration",
    accountId: row.accountId,
    keyId: row.id,
    integrationId: row.integrationId,
    scopes: scopesOf(row) ?? [],
    grant: { integration: found.integration, profileIds: found.profileIds },
  };
}

function refuse(hash: string, message: string): never {
  throw forgotten(hash, unauthorized(message));
}

/** `error`, once the isolate no longer takes the key for known. */
function forgotten(hash: string, error: ApiError): ApiError {
  forgetKey(hash);
  return error;
}

function factsOf(auth: Exclude<Auth, { kind: "bootstrap" }>): KeyFacts {
  return {
    keyId: auth.keyId,
    accountId: auth.accountId,
    kind: auth.kind,
    integrationId: auth.kind === "integration" ? auth.integrationId : null,
    scopes: auth.kind === "integration" ? auth.scopes : null,
  };
}
