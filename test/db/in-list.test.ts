import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { inList } from "../../src/db/in-list";
import { profiles } from "../../src/db/schema";
import { createProfile, createWorld } from "../factories";

describe("inList", () => {
  it("binds any number of ids as one parameter (D1 takes at most 100) and matches exactly them", async () => {
    const { key, profile } = await createWorld();
    const other = await createProfile(key);
    const ids = [
      profile.uid,
      ...Array.from({ length: 150 }, (_, n) => `prf_missing${n}`),
      other.uid,
    ];
    const query = createDb(env.DB)
      .select({ id: profiles.id })
      .from(profiles)
      .where(inList(profiles.id, ids));
    expect(query.toSQL().params).toEqual([JSON.stringify(ids)]);
    const rows = await query;
    expect(rows.map((row) => row.id).sort()).toEqual([profile.uid, other.uid].sort());
  });
});
