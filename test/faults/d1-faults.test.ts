import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { processBatch } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import {
  createAttendee,
  createAttendeeWithEnv,
  createEvent,
  createWorldWithIntegration,
} from "../factories";
import { expectError, request } from "../helpers/api";
import { heldQueue, realDeps } from "../helpers/deps";
import { received, receivedAtLeast } from "../helpers/receiver";
import { deliveriesOf, triggerOf, triggersOf } from "../helpers/stored";
import { ACCOUNT_QUERIES, snapshot } from "../security/support";

/**
 * When D1 itself fails (an error, a timeout, an overloaded primary), a client gets 503 in the
 * error shape with `retry-after`, never a 500 and never a half-written change; the consumer
 * retries; once D1 answers again, every accepted change has its trigger and every trigger its
 * deliveries.
 */

/** Errors as D1 raises them when it is out of reach, slow or overloaded. */
const OUTAGES = {
  error: () => new Error("D1_ERROR: Network connection lost."),
  timeout: () =>
    new Error(
      "D1_ERROR: D1 DB storage operation exceeded timeout which caused object to be reset.",
    ),
  overloaded: () => new Error("D1_ERROR: D1 DB is overloaded. Requests queued for too long."),
};
type Outage = keyof typeof OUTAGES;

/** A DB binding that fails its `failAt`-th call (1-based, batch or statement) with `outage`. */
function faultyDb(failAt: number, outage: Outage) {
  let calls = 0;
  const fail = async <T>(call: () => Promise<T>): Promise<T> => {
    calls++;
    if (calls === failAt) {
      // A timeout answers late; an error at once.
      if (outage === "timeout") await new Promise((resolve) => setTimeout(resolve, 50));
      throw OUTAGES[outage]();
    }
    return call();
  };
  type Wrapped = { inner: D1PreparedStatement };
  const statement = (inner: D1PreparedStatement): D1PreparedStatement =>
    ({
      inner,
      bind: (...values: unknown[]) => statement(inner.bind(...values)),
      all: () => fail(() => inner.all()),
      raw: (options?: { columnNames: true }) =>
        fail(() => inner.raw(options as { columnNames: true })),
      first: () => fail(() => inner.first()),
      run: () => fail(() => inner.run()),
    }) as unknown as D1PreparedStatement;
  const executor = (inner: Pick<D1Database, "prepare" | "batch">) => ({
    prepare: (sql: string) => statement(inner.prepare(sql)),
    batch: (statements: D1PreparedStatement[]) =>
      fail(() => inner.batch((statements as unknown as Wrapped[]).map((s) => s.inner))),
  });
  const DB = {
    ...executor(env.DB),
    exec: (query: string) => env.DB.exec(query),
    dump: () => env.DB.dump(),
    withSession: (constraint?: string) => {
      const session = env.DB.withSession(constraint);
      return { ...executor(session), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
  return { DB, calls: () => calls };
}

/**
 * What a request of the account can have written: its rows and its outbox, as snapshot() reads
 * them, without what the consumer adds behind the test's back (deliveries) or other tests'
 * counts.
 */
async function writtenBy(accountId: string) {
  const rows = JSON.parse(await snapshot(accountId)) as unknown[][];
  return rows.filter((_, index) => index !== DELIVERIES && index !== rows.length - 1);
}
const DELIVERIES = ACCOUNT_QUERIES.findIndex((query) => query.includes("FROM deliveries"));

type World = Awaited<ReturnType<typeof createWorldWithIntegration>>;
type Write = { method: string; path: string; body?: unknown; status: number };

/** The writes of the trigger path, each made fresh for the world. */
const WRITES: Record<string, (world: World) => Promise<Write>> = {
  "register an attendee": async (w) => ({
    method: "POST",
    path: "/v1/attendees",
    body: { event_uid: w.event.uid, fields: { email: "jo@example.com" } },
    status: 201,
  }),
  "update an attendee": async (w) => ({
    method: "PATCH",
    path: `/v1/attendees/${(await createAttendee(w.key, w.event.uid)).uid}`,
    body: { fields: { lastname: "Doe" } },
    status: 200,
  }),
  "record a payment": async (w) => ({
    method: "POST",
    path: `/v1/attendees/${(await createAttendee(w.key, w.event.uid)).uid}/payments`,
    body: { amount: 10, method: "card" },
    status: 200,
  }),
  "delete an attendee": async (w) => ({
    method: "DELETE",
    path: `/v1/attendees/${(await createAttendee(w.key, w.event.uid)).uid}`,
    status: 204,
  }),
  "create an event": async (w) => ({
    method: "POST",
    path: "/v1/events",
    body: {
      profile_uid: w.profile.uid,
      name: "Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    },
    status: 201,
  }),
  "update an event": async (w) => ({
    method: "PATCH",
    path: `/v1/events/${(await createEvent(w.key, w.profile.uid)).uid}`,
    body: { status: "Registering" },
    status: 200,
  }),
  "press a manual action": async (w) => ({
    method: "POST",
    path: `/v1/events/${w.event.uid}/actions/${w.webhooks[1].id}`,
    status: 202,
  }),
};

async function world() {
  return createWorldWithIntegration({
    webhooks: [{ trigger: "guest.create" }, { trigger: "event.manual", name: "Sync" }],
  });
}

describe("D1 faults on the API", () => {
  for (const [name, build] of Object.entries(WRITES)) {
    it(`${name}: a failure at any of its D1 calls is a 503 with retry-after and changes nothing`, async () => {
      const w = await world();
      const write = await build(w);
      // How many D1 calls the write makes when nothing fails.
      const probe = faultyDb(0, "error");
      const { calls } = probe;
      const counted = await request(write.method, write.path, {
        key: w.key,
        body: write.body,
        env: { DB: probe.DB },
      });
      expect(counted.status).toBe(write.status);
      const made = calls();
      expect(made).toBeGreaterThan(0);

      const again = await build(w);
      const outages = Object.keys(OUTAGES) as Outage[];
      for (let at = 1; at <= made; at++) {
        const before = await writtenBy(w.account.id);
        const outage = outages[at % outages.length];
        const failed = await request(again.method, again.path, {
          key: w.key,
          body: again.body,
          env: { DB: faultyDb(at, outage).DB },
        });
        const error = expectError(failed, 503, "UNAVAILABLE");
        expect(error.message).toMatch(/did not answer/);
        expect(Number(failed.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(await writtenBy(w.account.id), `${outage} at call ${at} of ${made}`).toEqual(before);
      }
      // D1 is back: the same request goes through.
      const done = await request(again.method, again.path, { key: w.key, body: again.body });
      expect(done.status).toBe(write.status);
    }, 60_000);
  }
});

describe("D1 faults in the consumer", () => {
  it("retries a trigger whose fan-out D1 refused, and delivers it once D1 answers", async () => {
    const w = await world();
    const held = heldQueue();
    const attendee = await createAttendeeWithEnv({ TRIGGERS: held.queue }, w.key, w.event.uid);
    const trigger = await triggerOf(attendee.uid, "guest.create");
    const message = (body: QueueMessage) => {
      const outcome = { acked: false, retried: false };
      return {
        outcome,
        message: {
          id: crypto.randomUUID(),
          timestamp: new Date(),
          attempts: 1,
          body,
          ack: () => {
            outcome.acked = true;
          },
          retry: () => {
            outcome.retried = true;
          },
        },
      };
    };
    const batch = (m: ReturnType<typeof message>["message"]) =>
      ({ queue: "weft-triggers", messages: [m] }) as unknown as MessageBatch<QueueMessage>;

    for (let at = 1; at <= 2; at++) {
      const down = message({ type: "trigger", triggerId: trigger.id });
      const deps = realDeps({ db: createDb(faultyDb(at, "overloaded").DB) });
      await processBatch(batch(down.message), deps);
      expect(down.outcome).toEqual({ acked: false, retried: true });
      // Nothing sent, the trigger still pending for the next try. Its deliveries live in the
      // delivery log (DELIVERIES_DB, maybe another database), written before the trigger is
      // marked: they may exist already, pending and never attempted, and no try adds a second.
      const written = await deliveriesOf(trigger.id);
      expect(written.length).toBeLessThanOrEqual(1);
      for (const row of written) expect(row).toMatchObject({ status: "pending", attemptCount: 0 });
      expect(await received(w.webhooks[0].channel)).toEqual([]);
      expect((await triggersOf(attendee.uid, "guest.create"))[0]?.status).toBe("pending");
    }

    const up = message({ type: "trigger", triggerId: trigger.id });
    await processBatch(batch(up.message), realDeps());
    expect(up.outcome).toEqual({ acked: true, retried: false });
    const [delivered] = await receivedAtLeast(w.webhooks[0].channel);
    expect(delivered.headers["x-weft-entity-uid"]).toBe(attendee.uid);
    const deliveries = await deliveriesOf(trigger.id);
    expect(deliveries.map((d) => d.status)).toEqual(["delivered"]);
    expect(await received(w.webhooks[0].channel)).toHaveLength(1);
  }, 60_000);
});
