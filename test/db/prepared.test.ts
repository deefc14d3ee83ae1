import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { batchPrepared, prepared } from "../../src/db/prepared";
import { profiles } from "../../src/db/schema";
import { createProfile, createWorld } from "../factories";
import { api } from "../helpers/api";

const profileById = (db: ReturnType<typeof createDb>) =>
  prepared(db, "test:profileById", () =>
    db
      .select()
      .from(profiles)
      .where(eq(profiles.id, sql.placeholder("id")))
      .prepare(),
  );

describe("prepared queries", () => {
  it("builds a shape once per database and keeps shapes apart", () => {
    const db = createDb(env.DB);
    let builds = 0;
    const build = () => {
      builds += 1;
      return { built: builds };
    };
    const first = prepared(db, "test:a", build);
    expect(prepared(db, "test:a", build)).toBe(first);
    expect(prepared(db, "test:b", build)).not.toBe(first);
    expect(builds).toBe(2);
  });

  it("binds each query's own values in one batch and maps rows as drizzle does", async () => {
    const { key, profile } = await createWorld();
    const mapping = await api("PUT", `/v1/profiles/${profile.uid}/field-mapping`, {
      key,
      body: { field_mapping: [{ name: "source", value: "weft" }] },
    });
    expect(mapping.status).toBe(200);
    const other = await createProfile(key);
    const db = createDb(env.DB);
    const [mine, theirs, none] = await batchPrepared(db, [
      [profileById(db), { id: profile.uid }],
      [profileById(db), { id: other.uid }],
      [profileById(db), { id: "prf_missing" }],
    ]);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      id: profile.uid,
      name: profile.name,
      fieldMapping: [{ name: "source", value: "weft" }],
    });
    expect(theirs.map((row) => row.id)).toEqual([other.uid]);
    expect(none).toEqual([]);
  });
});
