import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWorld,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

describe("integration keys: create, list, revoke", () => {
  it("creates a wft_live_ key shown once, lists it without the secret, revokes at once", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const created = await api("POST", `/v1/integrations/${integration.id}/keys`, { key });
    expect(created.status).toBe(201);
    const live = created.body.data;
    expect(live.key).toMatch(/^wft_live_[A-Za-z0-9_-]{43}$/);
    expect(live).toMatchObject({
      prefix: live.key.slice(0, 13),
      scopes: ["events:read", "attendees:read"],
      expires_at: null,
      last_used_at: null,
    });

    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(live.id)
      .first();
    expect(stored).toMatchObject({ kind: "integration", integration_id: integration.id });
    expect(JSON.stringify(stored)).not.toContain(live.key);

    const list = await api("GET", `/v1/integrations/${integration.id}/keys`, { key });
    expect(list.body.data).toEqual([
      {
        id: live.id,
        prefix: live.prefix,
        scopes: ["events:read", "attendees:read"],
        created_at: live.created_at,
        last_used_at: null,
        expires_at: null,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(live.key);

    const revoked = await api("DELETE", `/v1/integrations/${integration.id}/keys/${live.id}`, {
      key,
    });
    expect(revoked.status).toBe(204);
    expect(
      expectError(await api("GET", "/v1/events", { key: live.key }), 401, "UNAUTHORIZED").message,
    ).toMatch(/revoked/);
    expect(
      (await api("GET", `/v1/integrations/${integration.id}/keys`, { key })).body.data,
    ).toEqual([]);
    expectError(
      await api("DELETE", `/v1/integrations/${integration.id}/keys/${live.id}`, { key }),
      404,
      "NOT_FOUND",
    );
  });

  it("does not reach keys through another integration or admin keys through this route", async () => {
    const { key, adminKey } = await createAccount();
    const a = await createIntegration(key);
    const b = await createIntegration(key);
    const keyOfA = await createIntegrationKey(key, a.id);
    expectError(
      await api("DELETE", `/v1/integrations/${b.id}/keys/${keyOfA.id}`, { key }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await api("POST", `/v1/integrations/${a.id}/keys/${adminKey.id}/rotate`, { key }),
      404,
      "NOT_FOUND",
    );
    expectError(await api("POST", "/v1/integrations/int_nope/keys", { key }), 404, "NOT_FOUND");
  });
});

describe("last_used_at", () => {
  it("is set when a key is used (to the minute)", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const live = await createIntegrationKey(key, integration.id);
    const before = Date.now();
    expect((await api("GET", `/v1/events/${event.uid}`, { key: live.key })).status).toBe(200);
    // Written after the answer (waitUntil): look for it a few times.
    let usedAt: string | null = null;
    for (let tries = 0; tries < 20 && !usedAt; tries++) {
      const list = await api("GET", `/v1/integrations/${integration.id}/keys`, { key });
      usedAt = list.body.data.find((k) => k.id === live.id)?.last_used_at ?? null;
      if (!usedAt) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(usedAt).not.toBeNull();
    expect(Date.parse(usedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(usedAt ?? "")).toBeLessThanOrEqual(Date.now());
  });
});

describe("an integration key without its integration", () => {
  it("is refused (401), never taken for an admin key", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const orphan = await createIntegrationKey(key, integration.id);
    // A state the API cannot make (deleting an integration deletes its keys): the key's row
    // left without an integration, as a half-done delete or old data could leave it.
    await env.DB.prepare("UPDATE api_keys SET integration_id = NULL WHERE id = ?")
      .bind(orphan.id)
      .run();
    expectError(await api("GET", "/v1/account", { key: orphan.key }), 401, "UNAUTHORIZED");
    expectError(await api("GET", "/v1/events", { key: orphan.key }), 401, "UNAUTHORIZED");
  });
});

describe("POST /v1/integrations/{id}/keys/{key_id}/rotate", () => {
  it("returns a new key; the old one works until its grace ends (default 24 h)", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const old = await createIntegrationKey(key, integration.id);
    const before = Date.now();
    const rotated = await api("POST", `/v1/integrations/${integration.id}/keys/${old.id}/rotate`, {
      key,
    });
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.data;
    expect(fresh.key).toMatch(/^wft_live_/);
    expect(fresh.id).not.toBe(old.id);
    const list = (await api("GET", `/v1/integrations/${integration.id}/keys`, { key })).body.data;
    const oldListed = list.find((k) => k.id === old.id);
    const grace = Date.parse(oldListed?.expires_at ?? "") - before;
    expect(grace).toBeGreaterThan(86_395_000);
    expect(grace).toBeLessThan(86_405_000);
    expect((await api("GET", `/v1/events/${event.uid}`, { key: old.key })).status).toBe(200);
    expect((await api("GET", `/v1/events/${event.uid}`, { key: fresh.key })).status).toBe(200);
  });

  it("a retried rotation with the same idempotency-key returns the same new key, once", async () => {
    const { key } = await createWorld();
    const integration = await createIntegration(key);
    const old = await createIntegrationKey(key, integration.id);
    const rotate = () =>
      api("POST", `/v1/integrations/${integration.id}/keys/${old.id}/rotate`, {
        key,
        headers: { "idempotency-key": `rotate-${old.id}` },
      });
    const first = await rotate();
    const retried = await rotate();
    expect(first.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    expect(retried.body).toEqual(first.body);
    const list = (await api("GET", `/v1/integrations/${integration.id}/keys`, { key })).body.data;
    expect(list.map((k) => k.id)).toEqual([old.id, first.body.data.id]);
  });

  it("ends the old key after grace_seconds (0: at once; 1: after a second)", async () => {
    const { key, profile, event } = await createWorld();
    const integration = await createIntegration(key, { profile_uids: [profile.uid] });
    const zero = await createIntegrationKey(key, integration.id);
    await api("POST", `/v1/integrations/${integration.id}/keys/${zero.id}/rotate`, {
      key,
      body: { grace_seconds: 0 },
    });
    expect(
      expectError(
        await api("GET", `/v1/events/${event.uid}`, { key: zero.key }),
        401,
        "UNAUTHORIZED",
      ).message,
    ).toMatch(/expired/);

    const one = await createIntegrationKey(key, integration.id);
    await api("POST", `/v1/integrations/${integration.id}/keys/${one.id}/rotate`, {
      key,
      body: { grace_seconds: 1 },
    });
    expect((await api("GET", `/v1/events/${event.uid}`, { key: one.key })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectError(await api("GET", `/v1/events/${event.uid}`, { key: one.key }), 401, "UNAUTHORIZED");
    expectError(
      await api("POST", `/v1/integrations/${integration.id}/keys/${one.id}/rotate`, { key }),
      409,
      "CONFLICT",
    );
  });

  it("refuses a grace outside 0..604800", async () => {
    const { key } = await createAccount();
    const integration = await createIntegration(key);
    const live = await createIntegrationKey(key, integration.id);
    const path = `/v1/integrations/${integration.id}/keys/${live.id}/rotate` as const;
    for (const grace_seconds of [-1, 604_801, 1.5, "60"]) {
      const response = await api("POST", path, { key, body: { grace_seconds } });
      expect(expectError(response, 400, "VALIDATION_FAILED").details[0].path).toBe("grace_seconds");
    }
    expect((await api("POST", path, { key, body: { grace_seconds: 604_800 } })).status).toBe(201);
  });
});

describe("what an integration key may do", () => {
  async function linkedWorld(options: { apiAccess?: boolean } = {}) {
    const world = await createWorld();
    const unlinked = await createProfile(world.key);
    const hiddenEvent = await createEvent(world.key, unlinked.uid);
    const integration = await createIntegration(world.key, {
      profile_uids: [world.profile.uid],
      api_access: options.apiAccess ?? true,
    });
    const live = await createIntegrationKey(world.key, integration.id);
    return { ...world, unlinked, hiddenEvent, integration, live: live.key };
  }

  it("reads events of linked profiles only", async () => {
    const w = await linkedWorld();
    expect((await api("GET", `/v1/events/${w.event.uid}`, { key: w.live })).body.data.uid).toBe(
      w.event.uid,
    );
    expectError(
      await api("GET", `/v1/events/${w.hiddenEvent.uid}`, { key: w.live }),
      404,
      "NOT_FOUND",
    );
    const list = await api("GET", "/v1/events", { key: w.live });
    expect(list.body.data.map((e) => e.uid)).toEqual([w.event.uid]);
    const admin = await api("GET", "/v1/events", { key: w.key });
    expect(admin.body.data).toHaveLength(2);
  });

  it("reads attendees of linked profiles only, one by one and in lists", async () => {
    const w = await linkedWorld();
    const seen = await createAttendee(w.key, w.event.uid);
    const hidden = await createAttendee(w.key, w.hiddenEvent.uid);
    const one = await api("GET", `/v1/attendees/${seen.uid}`, { key: w.live });
    expect(one.body.data).toMatchObject({ uid: seen.uid, event_uid: w.event.uid });
    expectError(await api("GET", `/v1/attendees/${hidden.uid}`, { key: w.live }), 404, "NOT_FOUND");
    const list = await api("GET", "/v1/attendees", { key: w.live });
    expect(list.body.data.map((a) => a.uid)).toEqual([seen.uid]);
    expect(list.body.meta.total).toBe(1);
    const byUid = await api("GET", `/v1/attendees?guest_uid=${hidden.uid}`, { key: w.live });
    expect(byUid.body.data).toEqual([]);
  });

  it("gets 403 on reads while api_access is off, and reads again when it is back on", async () => {
    const w = await linkedWorld({ apiAccess: false });
    expect(
      expectError(await api("GET", `/v1/events/${w.event.uid}`, { key: w.live }), 403, "FORBIDDEN")
        .message,
    ).toMatch(/API access/);
    expectError(await api("GET", "/v1/events", { key: w.live }), 403, "FORBIDDEN");
    await api("PATCH", `/v1/integrations/${w.integration.id}`, {
      key: w.key,
      body: { api_access: true },
    });
    expect((await api("GET", `/v1/events/${w.event.uid}`, { key: w.live })).status).toBe(200);
  });

  it("gets 403 on every write and on every route that is not an event or attendee read", async () => {
    const w = await linkedWorld();
    const attendee = await createAttendee(w.key, w.event.uid);
    const forbidden = [
      [
        "POST",
        "/v1/events",
        {
          profile_uid: w.profile.uid,
          name: "x",
          start_date: "2026-06-12T07:00:00Z",
          end_date: "2026-06-13T07:00:00Z",
        },
      ],
      ["PATCH", `/v1/events/${w.event.uid}`, { name: "x" }],
      ["DELETE", `/v1/events/${w.event.uid}`, undefined],
      ["POST", "/v1/attendees", { event_uid: w.event.uid, fields: { email: "a@example.com" } }],
      ["PATCH", `/v1/attendees/${attendee.uid}`, { fields: { firstname: "x" } }],
      ["DELETE", `/v1/attendees/${attendee.uid}`, undefined],
      ["GET", "/v1/profiles", undefined],
      ["GET", `/v1/profiles/${w.profile.uid}`, undefined],
      ["GET", "/v1/account", undefined],
      ["GET", "/v1/integrations", undefined],
      ["GET", `/v1/integrations/${w.integration.id}/keys`, undefined],
      ["POST", `/v1/integrations/${w.integration.id}/keys`, undefined],
      ["PUT", `/v1/profiles/${w.profile.uid}/integration`, { integration_id: w.integration.id }],
      ["GET", `/v1/events/${w.event.uid}/integration`, undefined],
    ] as const;
    for (const [method, path, body] of forbidden) {
      const response = await api(method, path, { key: w.live, body });
      expect(`${method} ${path} -> ${response.status}`).toBe(`${method} ${path} -> 403`);
      expectError(response, 403, "FORBIDDEN");
    }
    // nothing was written
    expect((await api("GET", `/v1/events/${w.event.uid}`, { key: w.key })).body.data.name).toBe(
      w.event.name,
    );
    expect((await api("GET", `/v1/attendees/${attendee.uid}`, { key: w.key })).status).toBe(200);
  });
});

const withKey = async (owner: { key: string }) => {
  const integration = await createIntegration(owner.key);
  const live = await createIntegrationKey(owner.key, integration.id);
  return { integration, live };
};

describeAuth("POST /v1/integrations/{id}/keys", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const integration = await createIntegration(owner.key);
    return { method: "POST", path: `/v1/integrations/${integration.id}/keys` };
  },
});
describeAuth("GET /v1/integrations/{id}/keys", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { integration, live } = await withKey(owner);
    return { method: "GET", path: `/v1/integrations/${integration.id}/keys`, secrets: [live.id] };
  },
});
describeAuth("POST /v1/integrations/{id}/keys/{key_id}/rotate", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { integration, live } = await withKey(owner);
    return { method: "POST", path: `/v1/integrations/${integration.id}/keys/${live.id}/rotate` };
  },
});
describeAuth("DELETE /v1/integrations/{id}/keys/{key_id}", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { integration, live } = await withKey(owner);
    return { method: "DELETE", path: `/v1/integrations/${integration.id}/keys/${live.id}` };
  },
});
