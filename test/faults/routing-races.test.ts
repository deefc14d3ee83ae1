import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { activateLocked } from "../../src/services/activation";
import { activate, createEvent, createIntegration, createWorld } from "../factories";
import { api, request } from "../helpers/api";
import { realDeps } from "../helpers/deps";
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
 * A DB binding that runs `before(sql)` before each writing batch or statement, with the SQL it is
 * about to send: a request reads, then others run before it writes, which is the interleaving
 * the guards exist for (locally D1 answers too fast for requests to overlap by themselves).
 */
function beforeWrites(before: (sql: readonly string[]) => Promise<unknown>): D1Database {
  type Wrapped = { inner: D1PreparedStatement; sql: string };
  const writes = (sql: string) => /^\s*(insert|update|delete)/i.test(sql);
  const statement = (inner: D1PreparedStatement, sql: string): D1PreparedStatement =>
    ({
      inner,
      sql,
      bind: (...values: unknown[]) => statement(inner.bind(...values), sql),
      all: () => inner.all(),
      raw: (options?: { columnNames: true }) => inner.raw(options as { columnNames: true }),
      first: () => inner.first(),
      run: async () => {
        if (writes(sql)) await before([sql]);
        return inner.run();
      },
    }) as unknown as D1PreparedStatement;
  const executor = (inner: Pick<D1Database, "prepare" | "batch">) => ({
    prepare: (sql: string) => statement(inner.prepare(sql), sql),
    batch: async (statements: D1PreparedStatement[]) => {
      const wrapped = statements as unknown as Wrapped[];
      if (wrapped.some((s) => writes(s.sql))) await before(wrapped.map((s) => s.sql));
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

/** Writing batches wait `delayMs()` first. */
function slowWrites(delayMs: () => number): D1Database {
  return beforeWrites(() => new Promise((resolve) => setTimeout(resolve, delayMs())));
}

/**
 * The first writing batch whose SQL matches `pattern` waits until `release()`; `held` resolves
 * when it starts waiting (the request has read everything it decides on). Later batches pass.
 */
function holdFirstWrite(pattern: RegExp) {
  let reached = () => {};
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = false;
  const DB = beforeWrites(async (sql) => {
    if (holding || !sql.some((text) => pattern.test(text))) return;
    holding = true;
    reached();
    await released;
  });
  return { DB, held, release };
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

/** The event's form has exactly `locked` locked, and every form follows its routing: the event. */
async function expectLocked(key: string, profileUid: string, eventUid: string, locked: string[]) {
  const event = (await api("GET", `/v1/events/${eventUid}`, { key })).body.data;
  expect(event.fields.filter((field) => field.locked).map((field) => field.name)).toEqual(locked);
  await expectFormsFollowRouting(key, profileUid);
  return event;
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

  it("an override that leaves the form as it is fails if the form changed since it read it", async () => {
    const world = await createWorld();
    const { key, profile, event } = world;
    const a = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("a_vat") });
    const b = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("b_po") });
    await activate(key, profile.uid, a.id);
    // Back to the profile's integration (a): the form already has a's fields, nothing to rewrite.
    // It has read the event when it is held; meanwhile an override hands the event to b.
    const hold = holdFirstWrite(/^\s*insert into "event_overrides"/i);
    const toProfile = request("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      env: { DB: hold.DB },
      body: { integration_id: null },
    });
    await hold.held;
    const toB = await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: b.id },
    });
    expect(toB.body.data.integration_id).toBe(b.id);
    hold.release();
    const answer = await toProfile;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    // The later override wins, with the form it requires: a's fields again, not b's.
    const override = await api("GET", `/v1/events/${event.uid}/integration`, { key });
    expect(override.body.data.integration_id).toBeNull();
    const read = await expectLocked(key, profile.uid, event.uid, ["a_vat"]);
    // Activation (to a), the override (to b), the held override applied again (back to a).
    const updates = await triggersOf(event.uid, "event.update");
    expect(updates.map((trigger) => (trigger.snapshot as { fields: unknown }).fields)).toEqual([
      expect.arrayContaining([expect.objectContaining({ name: "a_vat", locked: true })]),
      expect.arrayContaining([expect.objectContaining({ name: "b_po", locked: true })]),
      read.fields,
    ]);
  });

  it("unlinking detaches an override whose form stays only while the profile's integration is as read", async () => {
    const world = await createWorld();
    const { key, profile, event } = world;
    const a = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("a_vat") });
    const c = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("c_badge") });
    await activate(key, profile.uid, c.id);
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: c.id },
    });
    // Unlinking c detaches the override: the event follows the profile's c, its form stays. It
    // has read that when it is held; meanwhile the profile moves to a (the event, overridden, is
    // not the activation's to rewrite).
    const hold = holdFirstWrite(/^\s*update "integrations"/i);
    const unlink = request("PATCH", `/v1/integrations/${c.id}`, {
      key,
      env: { DB: hold.DB },
      body: { profile_uids: [] },
    });
    await hold.held;
    await activate(key, profile.uid, a.id);
    hold.release();
    const answer = await unlink;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    const override = await api("GET", `/v1/events/${event.uid}/integration`, { key });
    expect(override.body.data.integration_id).toBeNull();
    await expectLocked(key, profile.uid, event.uid, ["a_vat"]);
  });

  it("an activation writes only while the integration it activates is as it read it", async () => {
    const world = await createWorld();
    const { key, profile, event } = world;
    const a = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("a_vat") });
    const b = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("b_po") });
    // The profile's lock runs activations one at a time; a change of an integration takes no
    // profile lock. Each activation is held once it has read, while its integration changes.
    const activateHeld = async (integrationId: string, change: () => Promise<unknown>) => {
      const hold = holdFirstWrite(/^\s*update "profiles"/i);
      const input = { accountId: world.account.id, profileId: profile.uid, integrationId };
      const activation = activateLocked(realDeps({ db: createDb(hold.DB) }), input);
      await hold.held;
      await change();
      hold.release();
      return activation;
    };

    // New fixed fields meanwhile: the activation applies those.
    const activated = await activateHeld(a.id, () =>
      api("PATCH", `/v1/integrations/${a.id}`, { key, body: fixed("a_tax") }),
    );
    expect(activated.integration_id).toBe(a.id);
    await expectLocked(key, profile.uid, event.uid, ["a_tax"]);

    // Unlinked meanwhile: the activation is refused, a stays active with its fields.
    const refused = activateHeld(b.id, () =>
      api("PATCH", `/v1/integrations/${b.id}`, { key, body: { profile_uids: [] } }),
    );
    await expect(refused).rejects.toMatchObject({ code: "CONFLICT" });
    const read = await api("GET", `/v1/profiles/${profile.uid}/integration`, { key });
    expect(read.body.data.integration_id).toBe(a.id);
    await expectLocked(key, profile.uid, event.uid, ["a_tax"]);
  });

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

  it("deleting an integration deactivates it where an activation landed after its read", async () => {
    const world = await createWorld();
    const { key, profile, event } = world;
    const a = await createIntegration(key, { profile_uids: [profile.uid], ...fixed("a_vat") });
    // The deletion reads a active nowhere; held before its final batch, the profile activates a.
    const hold = holdFirstWrite(/^\s*delete from "integrations"/i);
    const deletion = request("DELETE", `/v1/integrations/${a.id}`, { key, env: { DB: hold.DB } });
    await hold.held;
    await activate(key, profile.uid, a.id);
    await expectLocked(key, profile.uid, event.uid, ["a_vat"]);
    hold.release();
    const answer = await deletion;
    expect(answer.status, JSON.stringify(answer.body)).toBe(204);

    // No profile points at a deleted integration, and the form it locked is free again.
    const read = await api("GET", `/v1/profiles/${profile.uid}`, { key });
    expect(read.body.data.active_integration_id).toBeNull();
    expect((await request("GET", `/v1/integrations/${a.id}`, { key })).status).toBe(404);
    await expectLocked(key, profile.uid, event.uid, []);
  });
});
