import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createAttendee,
  createIntegration,
  createReceiverWebhook,
  createWebhook,
  createWorldWithIntegration,
} from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { channelUrl, newChannel, received, receivedAtLeast } from "../helpers/receiver";

/** POST /v1/integrations/{id}/webhooks/{webhook_id}/preview (issue 12). */

const previewPath = (integrationId: string, webhookId: string) =>
  `/v1/integrations/${integrationId}/webhooks/${webhookId}/preview` as const;

/** The headers that differ between two requests of the same webhook and item. */
const PER_REQUEST = ["webhook-id", "webhook-timestamp", "webhook-signature"];

describe("previewing a webhook", () => {
  it("answers exactly what a delivery sends, masked, and sends nothing", async () => {
    const world = await createWorldWithIntegration({
      integration: { field_mapping: [{ name: "mail", mapped_to: "email" }] },
    });
    const channel = newChannel();
    const hook = await createWebhook(world.key, world.integration.id, {
      trigger: "guest.manual",
      url: `${channelUrl(channel)}/contacts/{{mail | lower | md5}}`,
      headers: { authorization: "Bearer very-secret" },
      payload_template: { properties: { email: "{{mail}}", event: "{{event.name}}" } },
    });
    const guest = await createAttendee(world.key, world.event.uid, { email: "Jane@Example.com" });

    const response = await api("POST", previewPath(world.integration.id, hook.id), {
      key: world.key,
      body: { attendee_uid: guest.uid },
    });
    expect(response.status).toBe(200);
    const preview = response.body.data;
    expect(JSON.stringify(preview)).not.toContain("very-secret");
    expect(preview.headers).toMatchObject({
      authorization: "********",
      "webhook-signature": "v1,********",
      "content-type": "application/json",
      "x-weft-trigger": "guest.manual",
      "x-weft-entity-uid": guest.uid,
    });
    expect(JSON.parse(preview.body ?? "")).toEqual({
      properties: { email: "Jane@Example.com", event: world.event.name },
    });
    expect(await received(channel)).toEqual([]);
    const log = await api("GET", `/v1/integrations/${world.integration.id}/deliveries`, {
      key: world.key,
    });
    expect(log.body.data).toEqual([]);

    // Fired for real: the same method, URL, body and headers (but the secret and per-request ones).
    const fired = await api("POST", `/v1/attendees/${guest.uid}/actions/${hook.id}`, {
      key: world.key,
    });
    expect(fired.status).toBe(202);
    const [sent] = await receivedAtLeast(channel);
    const url = new URL(preview.url);
    expect(sent.method).toBe(preview.method);
    expect(`${sent.path}${url.search}`).toBe(`${url.pathname}${url.search}`);
    expect(sent.body).toBe(preview.body);
    for (const [name, value] of Object.entries(preview.headers)) {
      if (PER_REQUEST.includes(name)) continue;
      expect(sent.headers[name], name).toBe(
        name === "authorization" ? "Bearer very-secret" : value,
      );
    }
  });

  it("previews event webhooks with an event, GET webhooks with their query and no body", async () => {
    const world = await createWorldWithIntegration();
    const hook = await createWebhook(world.key, world.integration.id, {
      trigger: "event.update",
      method: "GET",
      url: "https://crm.example.com/events/{{uid}}?name={{name}}",
    });
    const response = await api("POST", previewPath(world.integration.id, hook.id), {
      key: world.key,
      body: { event_uid: world.event.uid },
    });
    const url = new URL(response.body.data.url);
    expect(url.pathname).toBe(`/events/${world.event.uid}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      name: world.event.name,
      trigger: "event.update",
      uid: world.event.uid,
      event_uid: world.event.uid,
    });
    expect(response.body.data).toMatchObject({ method: "GET", body: null });
    expect(response.body.data.headers).not.toHaveProperty("content-type");
  });

  it("shows a form body as sent, and a secret URL masked", async () => {
    const world = await createWorldWithIntegration();
    const hook = await createWebhook(world.key, world.integration.id, {
      url: `${env.RECEIVER_URL}/hooks/${newChannel()}/servlet.WebToLead`,
      secret_url: true,
      body_encoding: "form",
      payload_template: { first_name: "{{firstname}}", oid: "00D000000000062" },
    });
    const guest = await createAttendee(world.key, world.event.uid, { firstname: "Zoë" });
    const response = await api("POST", previewPath(world.integration.id, hook.id), {
      key: world.key,
      body: { attendee_uid: guest.uid },
    });
    expect(response.body.data).toMatchObject({
      url: `${env.RECEIVER_URL}/********`,
      body: "first_name=Zo%C3%AB&oid=00D000000000062",
    });
    expect(response.body.data.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("refuses the wrong kind of item, an unknown one, and a template that fails for it", async () => {
    const world = await createWorldWithIntegration();
    const other = await createWorldWithIntegration();
    const hook = await createReceiverWebhook(world.key, world.integration.id, {
      url: `${env.RECEIVER_URL}/hooks/x/{{lastname}}`,
    });
    const path = previewPath(world.integration.id, hook.id);
    const send = (body: unknown) => api("POST", path, { key: world.key, body: body as never });

    const event = await send({ event_uid: world.event.uid });
    expect(expectError(event, 400, "VALIDATION_FAILED").details[0].path).toBe("attendee_uid");
    const stranger = await createAttendee(other.key, other.event.uid);
    for (const uid of ["gst_nope", stranger.uid]) {
      const unknown = await send({ attendee_uid: uid });
      expect(expectError(unknown, 400, "VALIDATION_FAILED").details).toEqual([
        { path: "attendee_uid", message: "No such attendee." },
      ]);
    }
    expectError(await send({}), 400, "VALIDATION_FAILED");
    expectError(await send({ attendee_uid: "a", event_uid: "b" }), 400, "VALIDATION_FAILED");

    const guest = await createAttendee(world.key, world.event.uid);
    const failing = await send({ attendee_uid: guest.uid });
    expect(expectError(failing, 422, "UNPROCESSABLE").details).toEqual([
      { path: "url", message: 'A placeholder made the URL path segment "".' },
    ]);
  });
});

describeAuth("POST /v1/integrations/{id}/webhooks/{webhook_id}/preview", {
  otherAccount: 404,
  integrationKey: 403,
  setup: async (owner) => {
    const integration = await createIntegration(owner.key);
    const webhook = await createWebhook(owner.key, integration.id, { trigger: "event.create" });
    return {
      method: "POST",
      path: previewPath(integration.id, webhook.id),
      body: { event_uid: "evt_nope" },
    };
  },
});
