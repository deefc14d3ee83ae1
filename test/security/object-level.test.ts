import { beforeAll, describe, expect, it } from "vitest";
import { request } from "../helpers/api";
import { createOwner, type Owner, ROUTES } from "./route-table";
import { adminKeyPool, expectContractError, snapshot } from "./support";

/**
 * Broken object-level authorization (OWASP API1): an admin key that names one object of another
 * account, anywhere in a request it may otherwise make (a path parameter beside its own parent,
 * an id inside its body), is refused, learns nothing of it, and changes nothing of it. The
 * authorization matrix sends the other account's whole path; this sends one id at a time.
 */

/** Where an Owner keeps each id a route may name. */
const IDS = [
  ["linked", "profile"],
  ["linked", "event"],
  ["linked", "attendee"],
  ["unlinked", "profile"],
  ["unlinked", "event"],
  ["unlinked", "attendee"],
  ["integration"],
  ["liveKeyId"],
  ["webhook"],
  ["adminKeyId"],
  ["delivery"],
  ["deliveryIntegration"],
  ["deliveryWebhook"],
  ["trigger"],
] as const;

type IdPath = (typeof IDS)[number];

function idAt(owner: Owner, path: IdPath): string {
  return path.reduce<unknown>(
    (node, step) => (node as Record<string, unknown>)[step],
    owner,
  ) as string;
}

/** The attacker's own world, with one id taken from the victim's. */
function withVictimId(attacker: Owner, victim: Owner, path: IdPath): Owner {
  const mixed = structuredClone(attacker);
  const parent = path
    .slice(0, -1)
    .reduce<Record<string, unknown>>(
      (node, step) => node[step] as Record<string, unknown>,
      mixed as unknown as Record<string, unknown>,
    );
  parent[path[path.length - 1]] = idAt(victim, path);
  return mixed;
}

let victim: Owner;
let attacker: Owner;
let attackerKey: () => Promise<string>;

beforeAll(async () => {
  victim = (await createOwner()).owner;
  attacker = (await createOwner()).owner;
  attackerKey = adminKeyPool(attacker.key);
});

describe("another account's object ids, one at a time", () => {
  it("every route refuses them (400, 404 or 422), leaks nothing and changes nothing", async () => {
    const victimIds = IDS.map((path) => idAt(victim, path));
    const failures: string[] = [];
    let tried = 0;
    for (const route of ROUTES) {
      if (route.kind === "bootstrap") continue;
      const own = `${route.path(attacker)} ${JSON.stringify(route.body?.(attacker) ?? null)}`;
      for (const idPath of IDS) {
        const mixed = withVictimId(attacker, victim, idPath);
        const path = route.path(mixed);
        const body = route.body?.(mixed);
        const sent = `${path} ${JSON.stringify(body ?? null)}`;
        if (sent === own) continue; // the route does not name this id
        tried++;
        const key = await attackerKey();
        const before = await snapshot(victim.accountId);
        const response = await request(route.method, path, { key, body });
        const label = `${route.method} ${path} (${idPath.join(".")} of another account)`;
        if (![400, 404, 422].includes(response.status)) {
          failures.push(
            `${label}: ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`,
          );
          continue;
        }
        expectContractError(response);
        const text = JSON.stringify(response.body);
        for (const id of victimIds) {
          if (!sent.includes(id) && text.includes(id)) failures.push(`${label}: leaks ${id}`);
        }
        if ((await snapshot(victim.accountId)) !== before) failures.push(`${label}: changed it`);
      }
    }
    expect(failures).toEqual([]);
    // Every route with an id in its path or body was tried with each of its ids.
    expect(tried).toBeGreaterThan(50);
  }, 120_000);
});
