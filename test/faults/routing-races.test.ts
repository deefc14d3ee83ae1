import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { activate, createEvent, createIntegration, createWorld } from "../factories";
import { api, request } from "../helpers/api";
import { triggersOf } from "../helpers/stored";

/**
 * Which integration applies to an event decides its form's locked fields (API.md §4).
 * Activation, overrides, event creation and changes of an integration each read what decides a
 * form and write only if it is still so: whatever runs at the same time, every event ends with
 * exactly the locked fields of the integration that applies to it.
 */

const fixed = (name: string) => ({
  fixed_configuration: { fields: [{ name, label: name, type: "text" as const, required: false }] },
});

/**
 * A DB binding whose writing batches wait `delayMs()` first: a request reads, then others run
 * before it writes, which is the interleaving the guards exist for (locally D1 answers too fast
 * for requests to overlap by themselves).
 */
function slowWrites(delayMs: () => number): D1Database {
  type Wrapped = { inner: D1PreparedStatement; sql: string };
  const writes = (sql: string) => /^\s*(insert|update|delete)/i.test(sql);
  const wait = () => new Promise((resolve) => setTimeout(resolve, delayMs()));
  const statement = (inner: D1PreparedStatement, sql: string): D1PreparedStatement =>
    ({
      inner,
      sql,
      bind: (...values: unknown[]) => statement(inner.bind(...values), sql),
      all: () => inner.all(),
      raw: () => inner.raw(),
      first: () => inner.first(),
      run: async () => {
        if (writes(sql)) await wait();
        return inner.run();
      },
    }) as unknown as D1PreparedStatement;
  const executor = (inner: Pick<D1Database, "prepare" | "batch">) => ({
    prepare: (sql: string) => statement(inner.prepare(sql), sql),
    batch: async (statements: D1PreparedStatement[]) => {
      const wrapped = statements as unknown as Wrapped[];
      if (wrapped.some((s) => writes(s.sql))) await wait();
      return inner.batch(wrapped.map((s) => s.inner));
    },
  });
  return {
    ...executor(env.DB),
    exec: (query: string) => env.DB.exec(query),
    dump: () => env.DB.dump(),
    withSession: (constraint?: string) => {
      const session = env.DB.withSession(constraint);
      return { ...executor(session), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function expectFormsFollowRouting(key: string, profileUid: string) {
  const integrations = (await api("GET", "/v1/integrations?page_size=200", { key })).body.data;
  const fixedOf = new Map(
    integrations.map((i) => [i.id, i.fixed_configuration.fields.map((f) => f.name).sort()]),
  );
  const profile = (await api("GET", `/v1/profiles/${profileUid}`, { key })).body.data;
  const events = (await api("GET", `/v1/events?profile_uid=${profileUid}&page_size=200`, { key }))
    .body.data;
  for (const event of events) {
    const override = await request("GET", `/v1/events/${event.uid}/integration`, { key });
    const named =
      override.status === 200
        ? (override.body as { data: { integration_id: string | null } }).data.integration_id
        : null;
    const applying = named ?? profile.active_integration_id;
    const locked = event.fields
      .filter((field) => field.locked)
      .map((field) => field.name)
      .sort();
    expect(locked, `${event.uid} under ${applying}`).toEqual(
      applying ? (fixedOf.get(applying) ?? []) : [],
    );
  }
  return events.length;
}

describe("routing under concurrent changes", () => {
  it("50 concurrent activations, overrides and event creations leave every form as its integration requires", async () => {
    const world = await createWorld();
    const { key, profile } = world;
    const a = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("a_vat") });
    const b = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("b_po") });
    const c = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("c_badge") });
    const events = [world.event.uid];
    for (let i = 0; i < 3; i++) events.push((await createEvent(key, profile.uid)).uid);

    const next = random(42);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
    const slow = { DB: slowWrites(() => 20 + Math.floor(next() * 60)) };
    const operations = Array.from({ length: 50 }, () => {
      const kind = pick([
        "activate",
        "deactivate",
        "create",
        "override",
        "unoverride",
        "link",
      ] as const);
      if (kind === "link") {
        // Unlinking c detaches the overrides naming it; an override naming it meanwhile is 422.
        return () =>
          request("PATCH", `/v1/integrations/${c.id}`, {
            key,
            env: slow,
            body: { profile_uids: pick([[], [profile.uid]]) },
          });
      }
      if (kind === "activate") {
        return () =>
          request("PUT", `/v1/profiles/${profile.uid}/integration`, {
            key,
            body: { integration_id: pick([a.id, b.id]) },
          });
      }
      if (kind === "deactivate") {
        return () => request("DELETE", `/v1/profiles/${profile.uid}/integration`, { key });
      }
      if (kind === "create") {
        return () =>
          request("POST", "/v1/events", {
            key,
            env: slow,
            body: {
              profile_uid: profile.uid,
              name: "Raced",
              start_date: "2026-06-12T07:00:00Z",
              end_date: "2026-06-13T16:00:00Z",
            },
          });
      }
      const event = pick(events);
      if (kind === "override") {
        return () =>
          request("PUT", `/v1/events/${event}/integration`, {
            key,
            env: slow,
            body: { integration_id: pick([null, c.id, b.id]) },
          });
      }
      return () => request("DELETE", `/v1/events/${event}/integration`, { key, env: slow });
    });

    const answers = await Promise.all(operations.map((operation) => operation()));
    // Each answered: done, or refused cleanly (a change that kept losing its race: 409; an
    // override naming c while it is unlinked: 422).
    for (const answer of answers) {
      expect([200, 201, 204, 404, 409, 422], JSON.stringify(answer.body)).toContain(answer.status);
    }
    expect(answers.filter((answer) => answer.status < 300).length).toBeGreaterThan(25);
    expect(await expectFormsFollowRouting(key, profile.uid)).toBeGreaterThanOrEqual(4);
    const linked = (await api("GET", `/v1/integrations/${c.id}`, { key })).body.data.profile_uids;
    const naming = await env.DB.prepare(
      "SELECT count(*) AS n FROM event_overrides WHERE integration_id = ?",
    )
      .bind(c.id)
      .first<{ n: number }>();
    if (linked.length === 0) expect(naming?.n).toBe(0);
  }, 120_000);

  it("a new fixed configuration reaches every event it applies to, also while overrides change", async () => {
    const world = await createWorld();
    const { key, profile } = world;
    const c = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("c_badge") });
    const events = [world.event.uid];
    for (let i = 0; i < 3; i++) events.push((await createEvent(key, profile.uid)).uid);
    const next = random(7);
    const slow = { DB: slowWrites(() => 20 + Math.floor(next() * 60)) };
    const answers = await Promise.all([
      ...events.map((uid) =>
        request("PUT", `/v1/events/${uid}/integration`, {
          key,
          env: slow,
          body: { integration_id: c.id },
        }),
      ),
      request("PATCH", `/v1/integrations/${c.id}`, { key, env: slow, body: fixed("c_ticket") }),
      request("PATCH", `/v1/integrations/${c.id}`, { key, env: slow, body: fixed("c_seat") }),
    ]);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    await expectFormsFollowRouting(key, profile.uid);
  }, 60_000);

  it("an activation that changes a form fires event.update with the new form", async () => {
    const world = await createWorld();
    const { key, profile, event } = world;
    const a = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("a_vat") });
    await activate(key, profile.uid, a.id);
    const updates = await triggersOf(event.uid, "event.update");
    expect(updates).toHaveLength(1);
    const snapshot = updates[0]?.snapshot as { fields: { name: string; locked: boolean }[] };
    expect(snapshot.fields.find((field) => field.name === "a_vat")).toMatchObject({
      locked: true,
    });
    const read = (await api("GET", `/v1/events/${event.uid}`, { key })).body.data;
    expect(snapshot).toEqual(read);

    // Deactivating unlocks it: one more event.update; activating it again with nothing to change: none.
    await request("DELETE", `/v1/profiles/${profile.uid}/integration`, { key });
    expect(await triggersOf(event.uid, "event.update")).toHaveLength(2);
    await activate(key, profile.uid, a.id);
    await activate(key, profile.uid, a.id);
    expect(await triggersOf(event.uid, "event.update")).toHaveLength(3);
  });
});
