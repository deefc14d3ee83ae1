import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { profileLocks } from "../../src/durable-objects/profile-lock/client";
import { ApiError } from "../../src/errors";
import { createIntegration, createWorld } from "../factories";

describe("ProfileLock", () => {
  it("answers RPC calls with a result union, never a thrown ApiError", async () => {
    const { account, key, profile } = await createWorld();
    const linked = await createIntegration(key, { profile_uids: [profile.uid] });
    const unlinked = await createIntegration(key);
    const stub = env.PROFILE_LOCK.getByName(profile.uid);

    expect(await stub.activate(account.id, profile.uid, linked.id)).toEqual({
      ok: true,
      value: { profile_uid: profile.uid, integration_id: linked.id, replaced_integration_id: null },
    });
    const refused = await stub.activate(account.id, profile.uid, unlinked.id);
    expect(refused).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await stub.activate("acc_other", profile.uid, linked.id)).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
    });

    // deactivate with onlyIf leaves another active integration alone
    expect(await stub.deactivate(account.id, profile.uid, unlinked.id)).toEqual({
      ok: true,
      value: {
        profile_uid: profile.uid,
        integration_id: linked.id,
        replaced_integration_id: linked.id,
      },
    });
    expect(await stub.deactivate(account.id, profile.uid, null)).toEqual({
      ok: true,
      value: { profile_uid: profile.uid, integration_id: null, replaced_integration_id: linked.id },
    });
  });

  it("is used through profileLocks(env), which rethrows errors as ApiError", async () => {
    const { account, key, profile } = await createWorld();
    const unlinked = await createIntegration(key);
    const locks = profileLocks(env);
    const error = await locks.activate(account.id, profile.uid, unlinked.id).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("CONFLICT");
    expect(await locks.refresh(account.id, profile.uid)).toEqual({
      profile_uid: profile.uid,
      integration_id: null,
      replaced_integration_id: null,
    });
  });

  it("serialises concurrent calls on one profile", async () => {
    const { account, key, profile } = await createWorld();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createIntegration(key, { profile_uids: [profile.uid] })).id);
    }
    const locks = profileLocks(env);
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        i % 4 === 3
          ? locks.deactivate(account.id, profile.uid)
          : locks.activate(account.id, profile.uid, ids[i % 3]),
      ),
    );
    // Replaying the answers in some order must reproduce every `replaced` value: each call saw
    // the state the previous one left. Count transitions: every state is consumed once.
    const produced = new Map<string | null, number>([[null, 1]]);
    for (const r of results) {
      produced.set(r.integration_id, (produced.get(r.integration_id) ?? 0) + 1);
    }
    for (const r of results) {
      const left = produced.get(r.replaced_integration_id) ?? 0;
      expect(
        left,
        `nothing left that ${r.replaced_integration_id} was replaced from`,
      ).toBeGreaterThan(0);
      produced.set(r.replaced_integration_id, left - 1);
    }
  });
});
