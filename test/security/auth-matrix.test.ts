import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { KEY_SCOPES, type KeyScope } from "../../src/lib/types";
import { createAccount, createIntegration, createIntegrationKey } from "../factories";
import { api, request } from "../helpers/api";
import { createOwner, type Kind, type Owner, ROUTES, type Route } from "./route-table";
import { adminKeyPool, expectContractError, keyPool } from "./support";

/**
 * Every route x every kind of caller gets the status API.md §2 and §8 say (integration keys with
 * each scope, linked or not), and no answer to a caller shows identifiers of data it may not see.
 */

type Caller =
  | "none"
  | "malformed"
  | "unknown"
  | "revoked"
  | "expiredRotated"
  | "bootstrap"
  | "otherAdmin"
  | "liveLinked"
  | "liveEventsOnly"
  | "liveWriter"
  | "liveNoApiAccess"
  | "liveUnlinked"
  | "liveWriterUnlinked"
  | "owner";

type LiveCaller = Extract<Caller, `live${string}`>;

/** Each integration key: its scopes and whether its integration is linked to the owner's profile. */
const LIVE: Record<LiveCaller, { scopes: KeyScope[]; linked: boolean; apiAccess?: false }> = {
  liveLinked: { scopes: ["events:read", "attendees:read"], linked: true },
  liveEventsOnly: { scopes: ["events:read"], linked: true },
  liveWriter: { scopes: ["attendees:write"], linked: true },
  liveNoApiAccess: { scopes: [...KEY_SCOPES], linked: true, apiAccess: false },
  liveUnlinked: { scopes: ["events:read", "attendees:read"], linked: false },
  liveWriterUnlinked: { scopes: [...KEY_SCOPES], linked: false },
};

const isLive = (caller: Caller): caller is LiveCaller => caller in LIVE;

/** The status each caller must get on a route (owner: read routes only). */
function expected(route: Route, caller: Caller): number | "own" {
  const { kind } = route;
  if (["none", "malformed", "unknown", "revoked", "expiredRotated"].includes(caller)) return 401;
  if (caller === "bootstrap") return kind === "bootstrap" ? 201 : 403;
  if (kind === "bootstrap") return 403;
  if (caller === "owner") return route.ownerStatus ?? 200;
  if (caller === "otherAdmin") {
    return kind === "account" || kind === "scopedList" ? "own" : 404;
  }
  if (!isLive(caller)) throw new Error(`no expectation for ${caller}`);
  const live = LIVE[caller];
  if (kind !== "scoped" && kind !== "scopedList") return 403;
  if (live.apiAccess === false) return 403;
  if (!route.scope || !live.scopes.includes(route.scope)) return 403;
  if (!live.linked && kind === "scoped") return 404;
  return route.scopedStatus ?? 200;
}

let owner: Owner;
let revokedKey: string;
let expiredRotatedKey: string;
/**
 * The keys of the callers that hold a valid one, each a fresh key every 50 requests so none
 * meets the per-key rate limit however many routes the matrix has.
 */
let keys: Record<"owner" | "otherAdmin" | LiveCaller, () => Promise<string>>;

beforeAll(async () => {
  const built = await createOwner();
  ({ owner, revokedKey, expiredRotatedKey } = built);
  const { account, linkedProfile, unlinkedProfile } = built;

  // Integration keys of the owner's account, of integrations linked to one profile.
  const liveKeys = async (caller: LiveCaller) => {
    const { scopes, linked, apiAccess } = LIVE[caller];
    const { id } = await createIntegration(account.key, {
      profile_uids: [linked ? linkedProfile.uid : unlinkedProfile.uid],
      api_access: apiAccess ?? true,
    });
    return keyPool(async () => (await createIntegrationKey(account.key, id, { scopes })).key);
  };
  keys = {
    owner: adminKeyPool(account.key),
    otherAdmin: adminKeyPool((await createAccount()).key),
    liveLinked: await liveKeys("liveLinked"),
    liveEventsOnly: await liveKeys("liveEventsOnly"),
    liveWriter: await liveKeys("liveWriter"),
    liveNoApiAccess: await liveKeys("liveNoApiAccess"),
    liveUnlinked: await liveKeys("liveUnlinked"),
    liveWriterUnlinked: await liveKeys("liveWriterUnlinked"),
  };
});

/** The authorization header each caller sends. */
async function credentials(caller: Caller): Promise<string | null> {
  switch (caller) {
    case "none":
      return null;
    case "malformed":
      return `Basic ${btoa("admin:admin")}`;
    case "unknown":
      return `Bearer wft_admin_${"A".repeat(43)}`;
    case "revoked":
      return `Bearer ${revokedKey}`;
    case "expiredRotated":
      return `Bearer ${expiredRotatedKey}`;
    case "bootstrap":
      return `Bearer ${env.BOOTSTRAP_TOKEN}`;
    default:
      return `Bearer ${await keys[caller]()}`;
  }
}

/** Identifiers a caller must not see, unless it sent them itself. */
function hiddenFrom(caller: Caller, kind: Kind): string[] {
  const all = [
    owner.accountId,
    owner.linked.profile,
    owner.linked.event,
    owner.linked.attendee,
    owner.unlinked.profile,
    owner.unlinked.event,
    owner.unlinked.attendee,
    owner.integration,
    owner.liveKeyId,
    owner.webhook,
    owner.adminKeyId,
    owner.delivery,
    owner.deliveryIntegration,
    owner.deliveryWebhook,
  ];
  if (caller === "owner") return [];
  const scopedRoute = kind === "scoped" || kind === "scopedList";
  if (isLive(caller) && LIVE[caller].linked && scopedRoute) {
    return [
      owner.accountId,
      owner.unlinked.profile,
      owner.unlinked.event,
      owner.unlinked.attendee,
      owner.liveKeyId,
      owner.adminKeyId,
      owner.webhook,
      owner.delivery,
    ];
  }
  if (isLive(caller) && !LIVE[caller].linked && scopedRoute) {
    // Linked to the other profile: it sees that one, never the first.
    const visible = [owner.unlinked.profile, owner.unlinked.event, owner.unlinked.attendee];
    return all.filter((id) => !visible.includes(id));
  }
  return all;
}

const CALLERS: Caller[] = [
  "none",
  "malformed",
  "unknown",
  "revoked",
  "expiredRotated",
  "bootstrap",
  "otherAdmin",
  ...(Object.keys(LIVE) as LiveCaller[]),
  "owner",
];

describe("authorization matrix", () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path.toString()}`, route] as const))(
    "%s",
    async (_label, route) => {
      const path = route.path(owner);
      const body = route.body?.(owner);
      const sent = `${path} ${JSON.stringify(body ?? null)}`;
      const failures: string[] = [];
      for (const caller of CALLERS) {
        const want = expected(route, caller);
        // The owner's own writes are the route tests' business; here they would undo the world.
        if (caller === "owner" && route.method !== "GET") continue;
        if (caller === "bootstrap" && route.kind === "bootstrap") continue; // creates accounts
        const authorization = await credentials(caller);
        const response = await request(route.method, path, {
          body,
          headers: authorization ? { authorization } : {},
        });
        const ok =
          want === "own"
            ? response.status >= 200 && response.status < 300
            : response.status === want;
        if (!ok) {
          failures.push(
            `${caller}: want ${want}, got ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`,
          );
          continue;
        }
        if (response.status >= 400) expectContractError(response);
        const text = JSON.stringify(response.body ?? "");
        for (const id of hiddenFrom(caller, route.kind)) {
          if (!sent.includes(id) && text.includes(id)) failures.push(`${caller}: leaks ${id}`);
        }
      }
      expect(failures, `${route.method} ${path}`).toEqual([]);
    },
  );

  it("an integration key's read shows only its linked profile's events and attendees", async () => {
    const key = await keys.liveLinked();
    const events = await api("GET", "/v1/events?page_size=200", { key });
    expect(events.body.data.map((e) => e.uid)).toEqual([owner.linked.event]);
    // The linked profile's guests: the first, and those the writing keys registered.
    const linkedGuests = await env.DB.prepare(
      "SELECT id FROM attendees WHERE profile_id = ? ORDER BY created_at, rowid",
    )
      .bind(owner.linked.profile)
      .all<{ id: string }>();
    const guests = await api("GET", "/v1/attendees?page_size=200", { key });
    expect(guests.body.data.map((g) => g.uid)).toEqual(linkedGuests.results.map((g) => g.id));
    expect(guests.body.data.map((g) => g.uid)).toContain(owner.linked.attendee);
    expect(guests.body.data.every((g) => g.profile_uid === owner.linked.profile)).toBe(true);
  });
});
