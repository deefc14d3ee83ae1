import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { atMostOneRow, RequestSession, RoutedD1 } from "../../src/db/session";

/**
 * A request's D1 session (src/db/session.ts): statements bind to the running request's session
 * when they execute, the key's check rides on the first read and is verified before any result
 * is used, and a write never runs before the check, always led by the write guard.
 */

const TABLE = "session_probe";

async function freshTable() {
  await env.DB.prepare(`CREATE TABLE IF NOT EXISTS ${TABLE} (v TEXT)`).run();
  await env.DB.prepare(`DELETE FROM ${TABLE}`).run();
}

const rows = async () =>
  (await env.DB.prepare(`SELECT v FROM ${TABLE} ORDER BY rowid`).all<{ v: string }>()).results.map(
    (row) => row.v,
  );

/** A rider that records what it saw, and refuses when told to. */
function rider(refuse = false) {
  const seen: unknown[][] = [];
  return {
    seen,
    rider: {
      statements: [{ sql: "SELECT 41 + 1 AS answer", params: [] }],
      verify: (results: D1Result[]) => {
        seen.push(results.map((result) => result.results));
        if (refuse) throw new Error("refused by the rider");
      },
    },
  };
}

describe("RequestSession", () => {
  it("sends the rider with the first read only, and hands back only the read's rows", async () => {
    const client = new RoutedD1(env.DB);
    const session = new RequestSession(env.DB, null);
    const { rider: check, seen } = rider();
    session.ride(check);
    const [first, second] = await session.run(async () => [
      await client.prepare("SELECT 1 AS n").all(),
      await client.prepare("SELECT 2 AS n").all(),
    ]);
    expect((first as D1Result).results).toEqual([{ n: 1 }]);
    expect((second as D1Result).results).toEqual([{ n: 2 }]);
    expect(seen).toEqual([[[{ answer: 42 }]]]);
  });

  it("runs the rider and reads of one row at most as one statement, answered as a batch would", async () => {
    const sent: string[] = [];
    const binding = new Proxy(env.DB, {
      get(target, property) {
        if (property !== "withSession") return Reflect.get(target, property);
        return (constraint: string) => {
          const session = target.withSession(constraint);
          return new Proxy(session, {
            get(inner, name) {
              const value = Reflect.get(inner, name);
              if (name === "batch") sent.push("batch");
              if (name === "prepare") {
                return (sql: string) => {
                  sent.push(sql);
                  return inner.prepare(sql);
                };
              }
              return typeof value === "function" ? value.bind(inner) : value;
            },
          });
        };
      },
    });
    const read = async (riderSql: string, readSql: string, params: unknown[]) => {
      sent.length = 0;
      const client = new RoutedD1(binding);
      const session = new RequestSession(binding, null);
      const seen: unknown[] = [];
      session.ride({
        statements: [{ sql: riderSql, params: ["k"], oneRow: true }],
        verify: (results) => seen.push(results.map((result) => result.results)),
      });
      const [result] = await session.run(() =>
        client.batch([atMostOneRow(client.prepare(readSql).bind(...params))]),
      );
      return { rider: seen, read: result.results, sent: [...sent] };
    };

    const found = await read("SELECT ? AS key, 2 AS n", "SELECT ? AS n, json('[1]') AS list", [7]);
    expect(found.rider).toEqual([[[{ key: "k", n: 2 }]]]);
    // Same column names in both: each part keeps its own.
    expect(found.read).toEqual([{ n: 7, list: "[1]" }]);
    expect(found.sent).toHaveLength(1);
    expect(found.sent[0]).toMatch(/^SELECT \* FROM \(SELECT 1\) LEFT JOIN/);

    const none = await read("SELECT ? AS key WHERE 0", "SELECT ? AS n WHERE 0", [7]);
    expect(none.rider).toEqual([[[]]]);
    expect(none.read).toEqual([]);

    // A read with a WITH clause goes in a batch beside the rider, as any other read.
    const batched = await read("SELECT ? AS key", "WITH t AS (SELECT ? AS n) SELECT n FROM t", [3]);
    expect(batched.read).toEqual([{ n: 3 }]);
    expect(batched.sent).toContain("batch");
  });

  it("answers nothing when the rider refuses: the read fails with the rider's error", async () => {
    const client = new RoutedD1(env.DB);
    const session = new RequestSession(env.DB, null);
    session.ride(rider(true).rider);
    await expect(session.run(() => client.prepare("SELECT 1 AS n").all())).rejects.toThrow(
      "refused by the rider",
    );
  });

  it("runs the rider alone before a write, and writes nothing when it refuses", async () => {
    await freshTable();
    const client = new RoutedD1(env.DB);
    const refused = new RequestSession(env.DB, null);
    refused.ride(rider(true).rider);
    await expect(
      refused.run(() => client.prepare(`INSERT INTO ${TABLE} (v) VALUES ('no')`).run()),
    ).rejects.toThrow("refused by the rider");
    expect(await rows()).toEqual([]);

    const accepted = new RequestSession(env.DB, null);
    const { rider: check, seen } = rider();
    accepted.ride(check);
    await accepted.run(() => client.prepare(`INSERT INTO ${TABLE} (v) VALUES ('yes')`).run());
    expect(seen).toHaveLength(1);
    expect(await rows()).toEqual(["yes"]);
  });

  it("leads every write with the guard; a guard that fails rolls the whole batch back", async () => {
    await freshTable();
    const client = new RoutedD1(env.DB);
    const guarded = (passes: boolean) => {
      const session = new RequestSession(env.DB, null);
      session.guardWrites({
        statement: { sql: "SELECT json(?)", params: [passes ? "1" : "not json"] },
        failedOn: (error) => String(error).includes("malformed JSON"),
        refusal: () => new Error("the primary refused the key"),
      });
      return session;
    };
    const insert = (value: string) =>
      client.prepare(`INSERT INTO ${TABLE} (v) VALUES (?)`).bind(value);

    await expect(
      guarded(false).run(() => client.batch([insert("a"), insert("b")])),
    ).rejects.toThrow("the primary refused the key");
    await expect(guarded(false).run(() => insert("c").run())).rejects.toThrow(
      "the primary refused the key",
    );
    expect(await rows()).toEqual([]);

    const results = await guarded(true).run(() => client.batch([insert("a"), insert("b")]));
    expect(results).toHaveLength(2);
    expect(await rows()).toEqual(["a", "b"]);
  });

  it("leads a write that carries the rider with the guard and check merged in one statement", async () => {
    await freshTable();
    const client = new RoutedD1(env.DB);
    const insert = (value: string) =>
      client.prepare(`INSERT INTO ${TABLE} (v) VALUES (?)`).bind(value);
    const merged = (passes: boolean) => {
      const session = new RequestSession(env.DB, null);
      const { rider: check, seen } = rider();
      // What the rider's own statement answers differs from the merged one's: `seen` tells them apart.
      check.statements = [{ sql: "SELECT 7 AS answer", params: [] }];
      session.ride(check);
      session.guardWrites({
        statement: { sql: "SELECT json('1')", params: [] },
        failedOn: (error) => String(error).includes("malformed JSON"),
        refusal: () => new Error("the primary refused the key"),
        withCheck: {
          rider: check,
          statement: () => ({
            sql: "SELECT json(?) AS guard, 42 AS answer",
            params: [passes ? "1" : "not json"],
          }),
        },
      });
      return { session, seen };
    };

    const accepted = merged(true);
    const results = await accepted.session.run(async () => [
      ...(await client.batch([insert("a")])),
      ...(await client.batch([insert("b")])),
    ]);
    expect(results).toHaveLength(2);
    // Verified once, on the merged statement's row; the second write led by the plain guard.
    expect(accepted.seen).toEqual([[[{ guard: "1", answer: 42 }]]]);
    expect(await rows()).toEqual(["a", "b"]);

    // Refused: nothing written; the check alone on the primary says why (here it passes: the guard's).
    const refused = merged(false);
    await expect(refused.session.run(() => insert("c").run())).rejects.toThrow(
      "the primary refused the key",
    );
    expect(refused.seen).toEqual([[[{ answer: 7 }]]]);
    expect(await rows()).toEqual(["a", "b"]);
  });

  it("reads with the client's bookmark, and reports the newest bookmark it saw", async () => {
    const client = new RoutedD1(env.DB);
    const writer = new RequestSession(env.DB, null);
    await writer.run(() => client.prepare("SELECT 1").all());
    const first = writer.bookmark();
    await freshTable();
    await writer.run(() => client.prepare(`INSERT INTO ${TABLE} (v) VALUES ('x')`).run());
    const later = writer.bookmark();
    expect(first).not.toBeNull();
    expect((later ?? "") > (first ?? "")).toBe(true);

    const reader = new RequestSession(env.DB, later);
    await reader.run(() => client.prepare(`SELECT v FROM ${TABLE}`).all());
    expect((reader.bookmark() ?? "") >= (later ?? "")).toBe(true);
  });

  it("runs outside any request straight on the binding (the consumer, the cron)", async () => {
    const client = new RoutedD1(env.DB);
    const result = (await client.prepare("SELECT 3 AS n").all()) as D1Result;
    expect(result.results).toEqual([{ n: 3 }]);
  });
});
