import { describe, expect, it } from "vitest";
import { createAttendee, createWorldWithIntegration } from "../factories";
import { api, expectError } from "../helpers/api";
import { expectSigned, receivedAtLeast, script } from "../helpers/receiver";
import { webhookRow } from "../helpers/stored";

/**
 * Two-way TLS: a webhook names a client certificate binding, and every request to it goes out
 * through that binding (which presents the certificate). Miniflare runs `mtls_certificates`
 * bindings only against Cloudflare, so the tests bind `MTLS_TEST_CLIENT` to a stand-in
 * (vitest.config.ts) that forwards what it is given and marks it with this header.
 */
const MARK = "x-test-client-certificate";

describe("webhooks with a client certificate", () => {
  it("sends every delivery through the named certificate, signed as usual", async () => {
    const world = await createWorldWithIntegration({
      webhooks: [
        { trigger: "guest.create", client_certificate: "MTLS_TEST_CLIENT" },
        { trigger: "guest.create" },
      ],
    });
    const [withCertificate, plain] = world.webhooks;
    expect(withCertificate?.client_certificate).toBe("MTLS_TEST_CLIENT");
    await createAttendee(world.key, world.event.uid);

    const [through] = await receivedAtLeast(withCertificate.channel);
    expect(through?.headers[MARK]).toBe("MTLS_TEST_CLIENT");
    expectSigned(through as NonNullable<typeof through>, withCertificate.secret);
    const [direct] = await receivedAtLeast(plain.channel);
    expect(direct?.headers[MARK]).toBeUndefined();
  });

  it("sends a test through it too", async () => {
    const world = await createWorldWithIntegration({
      webhooks: [{ trigger: "guest.create", client_certificate: "MTLS_TEST_CLIENT" }],
    });
    const [hook] = world.webhooks;
    const integration = world.integration as { id: string };
    await script(hook.channel, [{ status: 204 }]);
    const sent = await api("POST", `/v1/integrations/${integration.id}/webhooks/${hook.id}/test`, {
      key: world.key,
    });
    expect(sent.body.data).toMatchObject({ status_code: 204 });
    const [got] = await receivedAtLeast(hook.channel);
    expect(got?.headers[MARK]).toBe("MTLS_TEST_CLIENT");
  });

  it("refuses a certificate the deployment does not have (422 naming it) and stores nothing", async () => {
    const world = await createWorldWithIntegration();
    const integration = world.integration as { id: string };
    const path = `/v1/integrations/${integration.id}/webhooks` as const;
    // Unknown, and a binding that is not a client certificate (the database).
    for (const name of ["MTLS_NOT_DEPLOYED", "DB"]) {
      const refused = await api("POST", path, {
        key: world.key,
        body: {
          name: "CRM",
          trigger: "guest.create",
          url: "https://crm.example.com/hooks",
          client_certificate: name,
        },
      });
      const error = expectError(refused, 422, "UNPROCESSABLE");
      expect(error.details?.[0]?.path).toBe("client_certificate");
      expect(error.details?.[0]?.message).toContain(name);
    }
    const listed = await api("GET", path, { key: world.key });
    expect(listed.body.data).toEqual([]);
  });

  it("sets, refuses and clears a certificate on update", async () => {
    const world = await createWorldWithIntegration({ webhooks: [{ trigger: "guest.create" }] });
    const [hook] = world.webhooks;
    const integration = world.integration as { id: string };
    const path = `/v1/integrations/${integration.id}/webhooks/${hook.id}` as const;
    const set = await api("PATCH", path, {
      key: world.key,
      body: { client_certificate: "MTLS_TEST_CLIENT" },
    });
    expect(set.body.data.client_certificate).toBe("MTLS_TEST_CLIENT");
    const refused = await api("PATCH", path, {
      key: world.key,
      body: { client_certificate: "MTLS_GONE", name: "Renamed" },
    });
    expect(expectError(refused, 422, "UNPROCESSABLE").details?.[0]?.path).toBe(
      "client_certificate",
    );
    expect(await webhookRow(hook.id)).toMatchObject({
      clientCertificate: "MTLS_TEST_CLIENT",
      name: hook.name,
    });
    const cleared = await api("PATCH", path, {
      key: world.key,
      body: { client_certificate: null },
    });
    expect(cleared.body.data.client_certificate).toBeNull();
    expect(await webhookRow(hook.id)).toMatchObject({ clientCertificate: null });
  });

  it("fails an attempt, saying why, when the certificate is no longer deployed", async () => {
    const world = await createWorldWithIntegration({
      webhooks: [{ trigger: "guest.create", client_certificate: "MTLS_TEST_CLIENT" }],
    });
    const [hook] = world.webhooks;
    const integration = world.integration as { id: string };
    // The deployment dropped the binding after the webhook was saved.
    const sent = await api("POST", `/v1/integrations/${integration.id}/webhooks/${hook.id}/test`, {
      key: world.key,
      env: { MTLS_TEST_CLIENT: undefined } as unknown as Partial<Env>,
    });
    expect(sent.body.data).toMatchObject({
      status_code: null,
      error: "The client certificate MTLS_TEST_CLIENT is not deployed.",
    });
  });
});
