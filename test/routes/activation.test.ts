import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEvent, createIntegration, createProfile, createWorld } from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";

const vat = { name: "cpy_vat_number", label: "VAT", type: "text", required: true } as const;
const po = { name: "po_number", label: "PO", type: "text", required: false } as const;

const fieldsOf = async (key: string, eventUid: string) =>
  (await api("GET", `/v1/events/${eventUid}`, { key })).body.data.fields;

describe("PUT|GET|DELETE /v1/profiles/{uid}/integration", () => {
  it("activates, replaces, shows and deactivates, locking and unlocking fixed fields", async () => {
    const { key, profile, event } = await createWorld();
    const a = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [vat] },
    });
    const b = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [po] },
    });
    const path = `/v1/profiles/${profile.uid}/integration` as const;
    expect((await api("GET", path, { key })).body.data).toEqual({
      profile_uid: profile.uid,
      integration_id: null,
    });

    const first = await api("PUT", path, { key, body: { integration_id: a.id } });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      profile_uid: profile.uid,
      integration_id: a.id,
      replaced_integration_id: null,
    });
    let fields = await fieldsOf(key, event.uid);
    expect(fields.find((f) => f.name === "cpy_vat_number")).toMatchObject({
      locked: true,
      label: "VAT",
    });

    const again = await api("PUT", path, { key, body: { integration_id: a.id } });
    expect(again.body.data.replaced_integration_id).toBe(a.id);

    const second = await api("PUT", path, { key, body: { integration_id: b.id } });
    expect(second.body.data).toEqual({
      profile_uid: profile.uid,
      integration_id: b.id,
      replaced_integration_id: a.id,
    });
    fields = await fieldsOf(key, event.uid);
    expect(fields.filter((f) => f.locked).map((f) => f.name)).toEqual(["po_number"]);
    expect(fields.map((f) => f.name)).toContain("cpy_vat_number");
    expect((await api("GET", path, { key })).body.data.integration_id).toBe(b.id);
    const row = await env.DB.prepare("SELECT active_integration_id FROM profiles WHERE id = ?")
      .bind(profile.uid)
      .first();
    expect(row?.active_integration_id).toBe(b.id);

    const off = await api("DELETE", path, { key });
    expect(off.status).toBe(200);
    expect(off.body.data).toEqual({
      profile_uid: profile.uid,
      integration_id: null,
      replaced_integration_id: b.id,
    });
    fields = await fieldsOf(key, event.uid);
    expect(fields.some((f) => f.locked)).toBe(false);
    expect(fields.map((f) => f.name)).toContain("po_number");
    const idle = await api("DELETE", path, { key });
    expect(idle.body.data).toEqual({
      profile_uid: profile.uid,
      integration_id: null,
      replaced_integration_id: null,
    });
  });

  it("leaves events whose override names an integration alone", async () => {
    const { key, profile, event } = await createWorld();
    const overridden = await createEvent(key, profile.uid);
    const a = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [vat] },
    });
    const other = await createIntegration(key, {
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [po] },
    });
    await api("PUT", `/v1/events/${overridden.uid}/integration`, {
      key,
      body: { integration_id: other.id },
    });
    await api("PUT", `/v1/profiles/${profile.uid}/integration`, {
      key,
      body: { integration_id: a.id },
    });
    expect((await fieldsOf(key, event.uid)).filter((f) => f.locked).map((f) => f.name)).toEqual([
      "cpy_vat_number",
    ]);
    expect(
      (await fieldsOf(key, overridden.uid)).filter((f) => f.locked).map((f) => f.name),
    ).toEqual(["po_number"]);
  });

  it("refuses an integration that does not list the profile (409), and unknown ones (404)", async () => {
    const { key, profile } = await createWorld();
    const unlinked = await createIntegration(key);
    const path = `/v1/profiles/${profile.uid}/integration` as const;
    expect(
      expectError(
        await api("PUT", path, { key, body: { integration_id: unlinked.id } }),
        409,
        "CONFLICT",
      ).message,
    ).toMatch(/does not list/);
    expectError(
      await api("PUT", path, { key, body: { integration_id: "int_nope" } }),
      404,
      "NOT_FOUND",
    );
    const stranger = await createWorld();
    const theirs = await createIntegration(stranger.key, { profile_uids: [stranger.profile.uid] });
    expectError(
      await api("PUT", path, { key, body: { integration_id: theirs.id } }),
      404,
      "NOT_FOUND",
    );
    expectError(
      await api("PUT", "/v1/profiles/prf_nope/integration", {
        key,
        body: { integration_id: unlinked.id },
      }),
      404,
      "NOT_FOUND",
    );
    const bad = await api("PUT", path, { key, body: {} });
    expect(expectError(bad, 400, "VALIDATION_FAILED").details[0].path).toBe("integration_id");
    expect((await api("GET", path, { key })).body.data.integration_id).toBeNull();
  });

  it("keeps exactly one active under 50 concurrent activations, answers forming one chain", async () => {
    const { key } = await createWorld();
    const profile = await createProfile(key);
    await createEvent(key, profile.uid);
    const integrations: Array<{ id: string }> = [];
    for (let i = 0; i < 5; i++) {
      integrations.push(
        await createIntegration(key, {
          profile_uids: [profile.uid],
          fixed_configuration: { fields: [{ ...vat, name: `fixed_${i}` }] },
        }),
      );
    }
    const path = `/v1/profiles/${profile.uid}/integration` as const;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api("PUT", path, { key, body: { integration_id: integrations[i % 5].id } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const data = answers.map((a) => a.body.data);

    // The answers are edges replaced -> integration. One unbroken chain from "nothing active" uses
    // every answer exactly once: an Eulerian path from null (found with Hierholzer's algorithm; a
    // greedy walk can strand itself, since the same integration is activated many times).
    const chain = eulerianPath(data.map((d) => [d.replaced_integration_id, d.integration_id]));
    expect(chain, "the answers form one chain from nothing active").not.toBeNull();
    expect(chain).toHaveLength(51);
    const previous = chain?.at(-1);

    const row = await env.DB.prepare("SELECT active_integration_id FROM profiles WHERE id = ?")
      .bind(profile.uid)
      .first();
    expect(row?.active_integration_id).toBe(previous);
    const event = (await api("GET", `/v1/events?profile_uid=${profile.uid}`, { key })).body.data[0];
    const locked = event.fields.filter((f) => f.locked).map((f) => f.name);
    const winner = integrations.findIndex((i) => i.id === previous);
    expect(locked).toEqual([`fixed_${winner}`]);
  });
});

const withLinked = async (owner: { key: string }) => {
  const profile = await createProfile(owner.key);
  const integration = await createIntegration(owner.key, { profile_uids: [profile.uid] });
  return { profile, integration };
};

describeAuth("GET /v1/profiles/{uid}/integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { profile } = await withLinked(owner);
    return { method: "GET", path: `/v1/profiles/${profile.uid}/integration` };
  },
});
describeAuth("PUT /v1/profiles/{uid}/integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { profile, integration } = await withLinked(owner);
    return {
      method: "PUT",
      path: `/v1/profiles/${profile.uid}/integration`,
      body: { integration_id: integration.id },
      secrets: [integration.id],
    };
  },
});
describeAuth("DELETE /v1/profiles/{uid}/integration", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const { profile } = await withLinked(owner);
    return { method: "DELETE", path: `/v1/profiles/${profile.uid}/integration` };
  },
});

/** The nodes of a path from `null` using every edge exactly once, or null when there is none. */
function eulerianPath(edges: Array<[string | null, string | null]>): Array<string | null> | null {
  const next = new Map<string | null, Array<string | null>>();
  for (const [from, to] of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const stack: Array<string | null> = [null];
  const path: Array<string | null> = [];
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    const out = next.get(node);
    if (out?.length) stack.push(out.pop() as string | null);
    else path.push(stack.pop() as string | null);
  }
  path.reverse();
  return path.length === edges.length + 1 ? path : null;
}
