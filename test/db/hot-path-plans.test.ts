import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDeliveriesDb, type Database } from "../../src/db/client";
import type { RawStatement } from "../../src/db/insert-rows";
import { claimDelivery, claimDueOfWebhook, finishAttempts } from "../../src/db/queries/deliveries";
import { markTriggersProcessed } from "../../src/db/queries/triggers";

/**
 * The delivery engine's per-batch statements find their rows by key, never through the status
 * index: that index holds the whole backlog (every pending trigger, every pending delivery), and a
 * plan driven by it reads all of it on each statement, so a burst of N triggers costs N^2.
 */

/** SQLite's plan for a statement, as one string ("SEARCH ... USING INDEX ...; SCAN ..."). */
async function planOf(sql: string) {
  const holes = sql.match(/\?/g)?.length ?? 0;
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...Array.from({ length: holes }, () => null))
    .all<{ detail: string }>();
  return results.map((row) => row.detail).join("; ");
}

/** The SQL a query function prepares, caught at the binding (its result is not wanted). */
async function sqlPreparedBy(run: (db: Database) => Promise<unknown>) {
  const seen: string[] = [];
  const d1 = new Proxy(env.DELIVERIES_DB, {
    get(target, name) {
      if (name === "prepare") {
        return (sql: string) => {
          seen.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  // A binding of its own: a fresh drizzle instance, so nothing prepared earlier is reused.
  await run(createDeliveriesDb(d1));
  return seen;
}

const only = (statements: RawStatement[]) => {
  expect(statements).toHaveLength(1);
  return (statements[0] as RawStatement).sql;
};

describe("the delivery engine's statements look their rows up by key", () => {
  it("marking a batch's triggers processed: each by id, not every pending trigger", async () => {
    const plan = await planOf(
      only(markTriggersProcessed([{ id: "trg_1", outcome: "fired", deliveryCount: 1 }], "x")),
    );
    expect(plan).toMatch(
      /SEARCH triggers USING (COVERING )?INDEX sqlite_autoindex_triggers_1 \(id=\?\)/,
    );
    expect(plan).not.toMatch(/triggers_status_idx/);
  });

  it("recording attempts: each delivery by id", async () => {
    const plan = await planOf(
      only(
        finishAttempts([
          {
            id: "dlv_1",
            status: "delivered",
            attemptCount: 1,
            nextAttemptAt: null,
            updatedAt: "x",
          },
        ]),
      ),
    );
    expect(plan).toMatch(
      /SEARCH deliveries USING (COVERING )?INDEX sqlite_autoindex_deliveries_1 \(id=\?\)/,
    );
    expect(plan).not.toMatch(/deliveries_status_idx/);
  });

  it("claiming one delivery (a `deliver` message): by its id", async () => {
    const [claim] = await sqlPreparedBy((db) =>
      claimDelivery(db, "dlv_none", { now: "x", dueBy: "x", lockUntil: "x" }),
    );
    const plan = await planOf(claim ?? "");
    expect(plan).toMatch(
      /^SEARCH deliveries USING (COVERING )?INDEX sqlite_autoindex_deliveries_1 \(id=\?\)/,
    );
    expect(plan).not.toMatch(/deliveries_status_idx/);
  });

  for (const ordered of [false, true]) {
    it(`an endpoint's claim${ordered ? " (per-subject order)" : ""}: the webhook's due ones, then those by id`, async () => {
      const [sql] = await sqlPreparedBy((db) =>
        claimDueOfWebhook(db, "wh_none", {
          now: "x",
          dueBy: "x",
          lockUntil: "x",
          limit: 10,
          ordered,
        }),
      );
      const plan = await planOf(sql ?? "");
      // The outer update by the ids the subquery picked; the subquery through the webhook's index.
      expect(plan).toMatch(
        /^SEARCH deliveries USING (COVERING )?INDEX sqlite_autoindex_deliveries_1 \(id=\?\)/,
      );
      expect(plan).toMatch(/deliveries_webhook_(due|subject)_idx \(webhook_id=\?/);
      expect(plan).not.toMatch(/deliveries_status_idx/);
    });
  }
});
