import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { deleteFinishedTriggersBefore } from "../../src/db/queries/triggers";

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
