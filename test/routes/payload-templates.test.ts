import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EVENT_FIELD_NAMES } from "../../src/domain/event";
import { decryptSecret } from "../../src/lib/secret-box";
import { subtleHex } from "../domain/payload-template/fixtures";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createReceiverWebhook,
  createWebhook,
  createWorldWithIntegration,
} from "../factories";
import { api, expectError } from "../helpers/api";
import {
  channelUrl,
  expectSigned,
  newChannel,
  received,
  receivedAtLeast,
} from "../helpers/receiver";
import { attemptsOf, deliveriesOf, handled, triggerOf, webhookRow } from "../helpers/stored";

/** Webhooks that build their body and URL from a payload template (API.md §8, issue 12). */

const slackLike = {
  text: "New registration: {{firstname}} {{lastname}} for {{event.name}}",
  account: "{{account.name}}",
  trigger: "{{trigger}}",
  guest: { email: "{{email | lower}}", tags: ["{{registration_status}}", "weft"] },
};

describe("a webhook with a payload template and URL placeholders", () => {
  it("delivers the rendered body to the rendered URL, signed, and keeps both on the delivery", async () => {
    const owner = await createAccount("Acme Events");
    const { key, event, integration } = await createWorldWithIntegration({ owner });
    const channel = newChannel();
    const url = `${channelUrl(channel)}/members/{{email | lower | md5}}?event={{event.uid}}`;
    const webhook = await createWebhook(key, integration.id, { url, payload_template: slackLike });
    expect(webhook).toMatchObject({ url, payload_template: slackLike, body_encoding: "json" });

    const guest = await createAttendee(key, event.uid, {
      email: "Jane.Doe@Example.com",
      firstname: "Jane",
      lastname: "Doe",
    });
    const [request] = await receivedAtLeast(channel);
    const hash = await subtleHex("MD5", "jane.doe@example.com");
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/hooks/${channel}/members/${hash}`);
    expect(request.query).toEqual({ event: event.uid });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({
      text: `New registration: Jane Doe for ${event.name}`,
      account: "Acme Events",
      trigger: "guest.create",
      guest: { email: "jane.doe@example.com", tags: ["Complete", "weft"] },
    });
    expectSigned(request, webhook.secret);

    const [delivery] = await deliveriesOf((await triggerOf(guest.uid, "guest.create")).id);
    expect(delivery.payload).toBe(request.body);
    expect(delivery.url).toBe(`${channelUrl(channel)}/members/${hash}?event=${event.uid}`);
  });

  it("renders from the mapped attendee: mapped names, fixed values", async () => {
    const world = await createWorldWithIntegration({
      integration: {
        field_mapping: [
          { name: "contact_email", mapped_to: "email" },
          { name: "source", value: "weft" },
        ],
      },
    });
    const hook = await createReceiverWebhook(world.key, world.integration.id, {
      payload_template: { properties: { email: "{{contact_email}}", source: "{{source}}" } },
    });
    const guest = await createAttendee(world.key, world.event.uid, { email: "sam@example.com" });
    const [request] = await receivedAtLeast(hook.channel);
    expect(JSON.parse(request.body)).toEqual({
      properties: { email: "sam@example.com", source: "weft" },
    });
    expect(request.headers["x-weft-entity-uid"]).toBe(guest.uid);
  });

  it("sends a form-encoded body when asked, signed over the bytes sent", async () => {
    const world = await createWorldWithIntegration();
    const hook = await createReceiverWebhook(world.key, world.integration.id, {
      body_encoding: "form",
      payload_template: {
        first_name: "{{firstname}}",
        last_name: "{{lastname}}",
        company: '{{cpy_name | default: "Individual"}}',
        lead_source: "Weft: {{event.name}}",
      },
    });
    await createAttendee(world.key, world.event.uid, { firstname: "Zoë", lastname: "O'Neil & Co" });
    const [request] = await receivedAtLeast(hook.channel);
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      first_name: "Zoë",
      last_name: "O'Neil & Co",
      company: "Individual",
      lead_source: `Weft: ${world.event.name}`,
    });
    expectSigned(request, hook.secret);
  });

  it("renders event templates from the event", async () => {
    const world = await createWorldWithIntegration();
    const hook = await createReceiverWebhook(world.key, world.integration.id, {
      trigger: "event.update",
      payload_template: { text: '{{name}} starts {{start_date | date: "DD/MM/YYYY HH:mm"}} UTC' },
    });
    await api("PATCH", `/v1/events/${world.event.uid}`, {
      key: world.key,
      body: { name: "Summit", start_date: "2026-06-12T07:00:00Z" },
    });
    const [request] = await receivedAtLeast(hook.channel);
    expect(JSON.parse(request.body)).toEqual({ text: "Summit starts 12/06/2026 07:00 UTC" });
  });
});

describe("a template that cannot render for one item", () => {
  it("makes a failed delivery whose one attempt says why, sends nothing, and cannot be redelivered", async () => {
    const world = await createWorldWithIntegration();
    const hook = await createReceiverWebhook(world.key, world.integration.id, {});
    // The receiver's URL with a path segment that only a last name fills.
    const path = `/v1/integrations/${world.integration.id}/webhooks/${hook.id}` as const;
    const patched = await api("PATCH", path, {
      key: world.key,
      body: { url: `${channelUrl(hook.channel)}/{{lastname}}/x` },
    });
    expect(patched.status).toBe(200);
    const guest = await createAttendee(world.key, world.event.uid, { lastname: null });
    const trigger = await handled((await triggerOf(guest.uid, "guest.create")).id);
    expect(trigger.status).toBe("processed");

    const [delivery] = await deliveriesOf(trigger.id);
    expect(delivery).toMatchObject({ status: "failed", attemptCount: 1, payload: "", url: null });
    const read = await api("GET", `/v1/deliveries/${delivery.id}`, { key: world.key });
    expect(read.body.data).toMatchObject({
      status: "failed",
      attempt_count: 1,
      next_attempt_at: null,
      attempts: [
        {
          attempt: 1,
          duration_ms: 0,
          status_code: null,
          response_excerpt: null,
          error: `Not sent: the webhook's url could not be rendered. A placeholder made the URL path segment "".`,
        },
      ],
    });
    expect(await received(hook.channel)).toEqual([]);
    expect(await attemptsOf(delivery.id)).toHaveLength(1);
    // No request was made: the webhook's health is unchanged.
    expect((await webhookRow(hook.id))?.failingSince).toBeNull();

    const again = await api("POST", `/v1/deliveries/${delivery.id}/redeliver`, { key: world.key });
    expect(expectError(again, 409, "CONFLICT").message).toMatch(/payload template failed/);
    const recovered = await api("POST", `${path}/recover`, {
      key: world.key,
      body: { since: "2026-01-01T00:00:00Z" },
    });
    expect(recovered.body.data).toEqual({ count: 0, delivery_ids: [] });
  });

  it("a manual action answers 202 with its failed delivery", async () => {
    const world = await createWorldWithIntegration();
    const hook = await createReceiverWebhook(world.key, world.integration.id, {
      trigger: "guest.manual",
    });
    await api("PATCH", `/v1/integrations/${world.integration.id}/webhooks/${hook.id}`, {
      key: world.key,
      body: { url: `${channelUrl(hook.channel)}/{{lastname}}` },
    });
    const guest = await createAttendee(world.key, world.event.uid);
    const fired = await api("POST", `/v1/attendees/${guest.uid}/actions/${hook.id}`, {
      key: world.key,
    });
    expect(fired.status).toBe(202);
    expect(fired.body.data).toMatchObject({ status: "failed", attempt_count: 1 });
    expect(await received(hook.channel)).toEqual([]);
  });
});

describe("saving a template: validated, 422 naming each entry", () => {
  it("refuses unknown filters and fields, bad syntax, bad URL placeholders and impossible combinations", async () => {
    const world = await createWorldWithIntegration();
    const response = await api("POST", `/v1/integrations/${world.integration.id}/webhooks`, {
      key: world.key,
      body: {
        name: "x",
        trigger: "guest.create",
        url: "https://{{host}}.example.com/x",
        payload_template: {
          text: "{{firstname | shout}}",
          rows: [["{{fristname}}", "{{ email"]],
        },
        body_encoding: "form",
        method: "POST",
      },
    });
    const error = expectError(response, 422, "UNPROCESSABLE");
    expect(error.details).toEqual([
      { path: "payload_template.text", message: expect.stringMatching(/Unknown filter "shout"/) },
      { path: "payload_template.rows.0.0", message: 'Unknown field "fristname".' },
      { path: "payload_template.rows.0.1", message: expect.stringMatching(/no closing "}}"/) },
      { path: "url", message: 'Unknown field "host".' },
      { path: "url", message: expect.stringMatching(/not in the scheme or host/) },
    ]);

    const bodyless = await api("POST", `/v1/integrations/${world.integration.id}/webhooks`, {
      key: world.key,
      body: {
        name: "x",
        trigger: "guest.create",
        url: "https://example.com/",
        method: "GET",
        payload_template: "{{email}}",
      },
    });
    expect(expectError(bodyless, 422, "UNPROCESSABLE").details.map((d) => d.path)).toEqual([
      "payload_template",
    ]);
    const secret = await api("POST", `/v1/integrations/${world.integration.id}/webhooks`, {
      key: world.key,
      body: {
        name: "x",
        trigger: "guest.create",
        url: "https://example.com/{{uid}}",
        secret_url: true,
      },
    });
    expect(expectError(secret, 422, "UNPROCESSABLE").details).toEqual([
      { path: "url", message: "A secret URL is stored encrypted and cannot hold placeholders." },
    ]);
  });

  it("knows the account's form fields and mapped names, and the event's fields for event triggers", async () => {
    const world = await createWorldWithIntegration({
      accountMapping: [{ name: "acct_name", mapped_to: "email" }],
      profileMapping: [{ name: "brand_name", mapped_to: "email" }],
      integration: {
        field_mapping: [{ name: "crm_email", mapped_to: "email" }],
        fixed_configuration: {
          fields: [{ name: "vat", label: "VAT", type: "text", required: false }],
        },
      },
    });
    await createEvent(world.key, world.profile.uid, {
      fields: [
        { name: "email", type: "email", required: true },
        { name: "diet", type: "text" },
      ],
    });
    const path = `/v1/integrations/${world.integration.id}/webhooks` as const;
    const names = [
      "diet",
      "acct_name",
      "brand_name",
      "crm_email",
      "vat",
      "cpy_name",
      "free_field3",
      "uid",
    ];
    const ok = await api("POST", path, {
      key: world.key,
      body: {
        name: "all known",
        trigger: "guest.update",
        url: "https://example.com/{{uid}}",
        payload_template: Object.fromEntries(names.map((name) => [name, `{{${name}}}`])),
      },
    });
    expect(ok.status).toBe(201);

    const event = await api("POST", path, {
      key: world.key,
      body: {
        name: "event",
        trigger: "event.create",
        url: "https://example.com/",
        payload_template: { name: "{{name}}", city: "{{location.city}}", who: "{{firstname}}" },
      },
    });
    expect(expectError(event, 422, "UNPROCESSABLE").details).toEqual([
      { path: "payload_template.who", message: 'Unknown field "firstname".' },
    ]);
    // The names an event template may use are the event's own keys.
    expect(Object.keys(world.event).sort()).toEqual([...EVENT_FIELD_NAMES].sort());
  });

  it("checks a PATCH against the whole webhook: a new trigger, method or encoding", async () => {
    const world = await createWorldWithIntegration();
    const webhook = await createWebhook(world.key, world.integration.id, {
      payload_template: ["{{firstname}}"],
    });
    const path = `/v1/integrations/${world.integration.id}/webhooks/${webhook.id}` as const;
    const cases = [
      [{ trigger: "event.create" }, "payload_template.0"],
      [{ method: "DELETE" }, "payload_template"],
      [{ body_encoding: "form" }, "payload_template"],
      [{ payload_template: { a: "{{firstname | lower: 1}}" } }, "payload_template.a"],
    ] as const;
    for (const [body, detail] of cases) {
      const response = await api("PATCH", path, { key: world.key, body });
      expect(
        expectError(response, 422, "UNPROCESSABLE").details.map((d) => d.path),
        JSON.stringify(body),
      ).toEqual([detail]);
    }
    const cleared = await api("PATCH", path, {
      key: world.key,
      body: { payload_template: null, method: "DELETE" },
    });
    expect(cleared.body.data).toMatchObject({ payload_template: null, method: "DELETE" });
  });
});

describe("a secret URL", () => {
  it("is stored encrypted, read back masked, and still receives", async () => {
    const world = await createWorldWithIntegration();
    const channel = newChannel();
    const url = `${channelUrl(channel)}/services/T0001/B0001/XXXXsecretXXXX`;
    const webhook = await createWebhook(world.key, world.integration.id, {
      url,
      secret_url: true,
    });
    const masked = `${env.RECEIVER_URL}/********`;
    expect(webhook).toMatchObject({ url: masked, secret_url: true });
    const path = `/v1/integrations/${world.integration.id}/webhooks/${webhook.id}` as const;
    expect((await api("GET", path, { key: world.key })).body.data.url).toBe(masked);
    const row = await webhookRow(webhook.id);
    expect(JSON.stringify(row)).not.toContain("XXXXsecretXXXX");
    expect(await decryptSecret(env.SECRETS_KEY, row?.urlEncrypted ?? "")).toBe(url);

    await createAttendee(world.key, world.event.uid);
    const [request] = await receivedAtLeast(channel);
    expect(request.path).toBe(`/hooks/${channel}/services/T0001/B0001/XXXXsecretXXXX`);
    expectSigned(request, webhook.secret);

    // A new URL stays secret; made public again, the URL is shown.
    const moved = await api("PATCH", path, { key: world.key, body: { url: `${url}2` } });
    expect(moved.body.data).toMatchObject({ url: masked, secret_url: true });
    const shown = await api("PATCH", path, { key: world.key, body: { secret_url: false } });
    expect(shown.body.data).toMatchObject({ url: `${url}2`, secret_url: false });
    expect((await webhookRow(webhook.id))?.urlEncrypted).toBeNull();
  });
});

describe("POST .../webhooks/{webhook_id}/test with a template", () => {
  it("sends the sample rendered through the template", async () => {
    const { key } = await createWorldWithIntegration();
    const integration = await createIntegration(key);
    const hook = await createReceiverWebhook(key, integration.id, {
      payload_template: { text: "{{firstname}} {{lastname}} for {{event.name}}" },
    });
    const response = await api(
      "POST",
      `/v1/integrations/${integration.id}/webhooks/${hook.id}/test`,
      { key },
    );
    expect(response.body.data).toMatchObject({ success: true, status_code: 200 });
    const [request] = await received(hook.channel);
    expect(JSON.parse(request.body)).toEqual({ text: "Jane Doe for Sample event" });
  });
});
