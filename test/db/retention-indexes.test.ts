import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { finishAttempts } from "../../src/db/queries/deliveries";
import { deleteFinishedTriggersBefore, markTriggersProcessed } from "../../src/db/queries/triggers";

/** SQLite's plan for a statement, as one string ("SEARCH ... USING INDEX ..." or "SCAN ..."). */
async function planOf(sql: string) {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind("2026-01-01T00:00:00.000Z")
    .all<{ detail: string }>();
  return results.map((row) => row.detail).join("; ");
}

describe("retention (every minute) finds what to delete through indexes", () => {
  it("deliveries, their attempts and idempotency keys by created_at, without a scan", async () => {
    expect(await planOf("DELETE FROM deliveries WHERE created_at < ?")).toMatch(
      /USING (COVERING )?INDEX deliveries_created_idx/,
    );
    expect(
      await planOf(
        "DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE created_at < ?)",
      ),
    ).not.toMatch(/SCAN/);
    expect(await planOf("DELETE FROM idempotency_keys WHERE created_at < ?")).toMatch(
      /USING (COVERING )?INDEX idempotency_keys_created_idx/,
    );
  });

  it("finished triggers by status and created_at, without reading every trigger", async () => {
    // The statement the sweeper runs (bound values inlined: the plan is what matters).
    const { sql, params } = deleteFinishedTriggersBefore(drizzle(env.DB), "x").toSQL();
    const inlined = params.reduce<string>(
      (text, value) => text.replace("?", `'${String(value)}'`),
      sql,
    );
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${inlined}`).all<{
      detail: string;
    }>();
    const plan = results.map((row) => row.detail).join("; ");
    expect(plan).toMatch(/USING (COVERING )?INDEX triggers_status_idx/);
    expect(plan).not.toMatch(/SCAN triggers/);
  });
});

describe("the consumer's writes find their rows by id", () => {
  it("marks a batch's triggers processed by id, not by reading every pending trigger", async () => {
    // A planner that led with triggers_status_idx read every pending trigger once per trigger of
    // the batch: 52,050 rows for 25 triggers over a backlog of 2,000.
    const [{ sql, params }] = markTriggersProcessed(
      [{ id: "trg_1", outcome: "fired", deliveryCount: 1 }],
      "2026-01-01T00:00:00.000Z",
    );
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((row) => row.detail).join("; ");
    expect(plan).toMatch(/SEARCH triggers USING INDEX sqlite_autoindex_triggers_1 \(id=\?\)/);
    expect(plan).not.toMatch(/triggers_status_idx/);
  });

  it("finishes an endpoint's group of deliveries by id", async () => {
    const [{ sql, params }] = finishAttempts([
      { id: "dlv_1", status: "delivered", attemptCount: 1, nextAttemptAt: null, updatedAt: "x" },
    ]);
    const { results } = await env.DELIVERIES_DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((row) => row.detail).join("; ");
    expect(plan).toMatch(
      /SEARCH deliveries USING (COVERING )?INDEX sqlite_autoindex_deliveries_1 \(id=\?\)/,
    );
  });
});
