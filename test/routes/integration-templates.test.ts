import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { TEMPLATES } from "../../src/domain/integration-templates";
import { subtleHex } from "../domain/payload-template/fixtures";
import { activate, createAttendee, createWorld } from "../factories";
import { api, expectError } from "../helpers/api";
import { describeAuth } from "../helpers/describe-auth";
import { channelUrl, expectSigned, newChannel, receivedAtLeast } from "../helpers/receiver";
import { VENDOR_FORMATS } from "./vendor-formats";

/** The catalogue (GET /v1/integration-templates) and integrations made from it (issue 12). */

const jane = { email: "Jane.Doe@Example.com", firstname: "Jane", lastname: "Doe" };

/**
 * How each service is played on 127.0.0.1: its parameters with the stand-in's URL as the
 * service's, the attendee's fields, and what the request must name (the attendee, the event).
 */
const STAND_INS: Record<
  string,
  {
    params: (base: string) => Record<string, string>;
    fields?: Record<string, string>;
    names: (event: { name: string }) => string[];
  }
> = {
  slack: {
    params: (base) => ({ webhook_url: `${base}/services/T0001/B0002/abcdef123` }),
    names: (event) => ["Jane Doe", "Jane.Doe@Example.com", event.name],
  },
  "microsoft-teams": {
    params: (base) => ({
      workflow_url: `${base}/workflows/0123abcd/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=test-signature`,
    }),
    names: (event) => ["Jane Doe", "Jane.Doe@Example.com", event.name],
  },
  hubspot: {
    params: (base) => ({
      access_token: "pat-eu1-01234567-89ab-cdef-0123-456789abcdef",
      api_base_url: base,
    }),
    names: () => ["jane.doe@example.com", "Jane", "Doe"],
  },
  mailchimp: {
    params: (base) => ({
      api_key: "0123456789abcdef0123456789abcdef-us21",
      api_base_url: base,
      list_id: "57afe96172",
    }),
    names: () => ["Jane.Doe@Example.com", "Jane", "Doe"],
  },
  "salesforce-web-to-lead": {
    params: (base) => ({ org_id: "00D5g000004abcD", api_base_url: base }),
    fields: { cpy_name: "Acme" },
    names: (event) => ["Jane", "Doe", "Jane.Doe@Example.com", "Acme", event.name],
  },
  airtable: {
    params: (base) => ({
      access_token: `patAbCdEfGh012345.${"0123456789abcdef".repeat(4)}`,
      base_id: "appAbCdEfGh012345",
      table_id: "tblAbCdEfGh012345",
      api_base_url: base,
    }),
    names: (event) => ["Jane Doe", "Jane.Doe@Example.com", event.name],
  },
  zapier: {
    params: (base) => ({ catch_hook_url: `${base}/hooks/catch/123456/abcdef/` }),
    names: (event) => ["Jane", "Doe", "Jane.Doe@Example.com", event.name],
  },
};

describe("GET /v1/integration-templates", () => {
  it("lists every template with its parameters and what it creates, a page at a time", async () => {
    const { key } = await createWorld();
    const list = await api("GET", "/v1/integration-templates?page_size=200", { key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((t) => t.id)).toEqual(TEMPLATES.map((t) => t.id));
    expect(list.body.meta).toEqual({
      page: 1,
      page_size: 200,
      total: TEMPLATES.length,
      last_page: 1,
    });
    const page = await api("GET", "/v1/integration-templates?page=2&page_size=2", { key });
    expect(page.body.data.map((t) => t.id)).toEqual(TEMPLATES.slice(2, 4).map((t) => t.id));

    const slack = await api("GET", "/v1/integration-templates/slack", { key });
    expect(slack.body.data).toEqual(list.body.data[0]);
    expect(slack.body.data).toMatchObject({
      id: "slack",
      name: "Slack",
      documentation_url: expect.stringMatching(/^https:\/\/docs\.slack\.dev\//),
      params: [
        {
          name: "webhook_url",
          type: "url",
          secret: true,
          required: true,
          schema: {
            type: "string",
            format: "uri",
            pattern: expect.any(String),
            examples: [expect.any(String)],
          },
          hosts: ["hooks.slack.com"],
        },
      ],
      creates: {
        webhooks: [
          {
            trigger: "guest.create",
            method: "POST",
            url: "<webhook_url>",
            secret_url: true,
            payload_template: { text: expect.stringContaining("{{firstname}}") },
          },
        ],
        field_mapping: [],
        fixed_configuration: { fields: [] },
      },
    });
    const mailchimp = await api("GET", "/v1/integration-templates/mailchimp", { key });
    expect(mailchimp.body.data.creates.webhooks[0].headers).toEqual({
      authorization: "Basic base64(weft:<api_key>)",
    });
    expectError(await api("GET", "/v1/integration-templates/nope", { key }), 404, "NOT_FOUND");
  });
});

describe("Slack from the catalogue, as an organiser does it", () => {
  it("lists the templates, creates Slack with only a webhook URL, activates it, and a new attendee reaches Slack as {text} naming them and the event, signed", async () => {
    const { key, profile, event } = await createWorld();
    const list = await api("GET", "/v1/integration-templates", { key });
    const slack = list.body.data.find((template) => template.id === "slack");
    expect(slack?.params.map((param) => param.name)).toEqual(["webhook_url"]);

    const channel = newChannel();
    const webhookUrl = `${channelUrl(channel)}/services/T0001/B0002/abcdef123`;
    const created = await api("POST", "/v1/integrations", {
      key,
      body: { template: "slack", params: { webhook_url: webhookUrl }, profile_uids: [profile.uid] },
    });
    expect(created.status).toBe(201);
    const integration = created.body.data;
    expect(integration).toMatchObject({ name: "Slack", template_id: "slack" });
    const [webhook] = integration.webhooks ?? [];
    expect(webhook).toMatchObject({
      trigger: "guest.create",
      secret_url: true,
      url: expect.stringMatching(/\/\*{8}$/),
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(JSON.stringify(integration)).not.toContain("abcdef123");
    await activate(key, profile.uid, integration.id);

    await createAttendee(key, event.uid, jane);
    const [request] = await receivedAtLeast(channel);
    expect(request.path).toBe(`/hooks/${channel}/services/T0001/B0002/abcdef123`);
    expect(JSON.parse(request.body)).toEqual({
      text: `New registration for *${event.name}*: Jane Doe (Jane.Doe@Example.com)`,
    });
    expectSigned(request, webhook.secret);

    // An ordinary integration: read back, renamed, its webhook edited; the template stays named.
    const path = `/v1/integrations/${integration.id}` as const;
    const renamed = await api("PATCH", path, { key, body: { name: "Slack #registrations" } });
    expect(renamed.body.data).toMatchObject({ name: "Slack #registrations", template_id: "slack" });
    expect(renamed.body.data).not.toHaveProperty("webhooks");
    const edited = await api("PATCH", `${path}/webhooks/${webhook.id}`, {
      key,
      body: { payload_template: { text: "{{firstname}} is coming to {{event.name}}" } },
    });
    expect(edited.status).toBe(200);
  });
});

describe.each(TEMPLATES.map((template) => [template.id] as const))(
  "the %s template, against the service's documented format",
  (id) => {
    it("sends what the service documents: method, path, headers and body", async () => {
      const standIn = STAND_INS[id];
      const { key, profile, event } = await createWorld();
      const channel = newChannel();
      const params = standIn.params(channelUrl(channel));
      const created = await api("POST", "/v1/integrations", {
        key,
        body: { template: id, params, profile_uids: [profile.uid] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const integration = created.body.data;
      expect(integration.template_id).toBe(id);
      await activate(key, profile.uid, integration.id);
      await createAttendee(key, event.uid, { ...jane, ...standIn.fields });

      const [request] = await receivedAtLeast(channel);
      const format = VENDOR_FORMATS[id](params);
      expect(request.method).toBe(format.method);
      const prefix = `/hooks/${channel}`;
      expect(request.path.startsWith(prefix)).toBe(true);
      expect(request.path.slice(prefix.length)).toMatch(format.path);
      expect(request.query).toMatchObject(format.query ?? {});
      expect(request.headers["content-type"]).toBe(format.contentType);
      if (format.authorization) {
        expect(format.authorization(request.headers.authorization), format.doc).toBe(true);
      }
      const body =
        format.contentType === "application/json"
          ? JSON.parse(request.body)
          : Object.fromEntries(new URLSearchParams(request.body));
      const verdict = new Validator(format.body, "2020-12", false).validate(body);
      expect(verdict.errors, `${format.doc}\n${JSON.stringify(body)}`).toEqual([]);
      for (const name of standIn.names(event)) expect(JSON.stringify(body)).toContain(name);

      const fired = integration.webhooks?.find((webhook) => webhook.trigger === "guest.create");
      expectSigned(request, fired?.secret ?? "");
      if (id === "mailchimp") {
        expect(request.path).toMatch(
          new RegExp(`/${await subtleHex("MD5", "jane.doe@example.com")}$`),
        );
      }
    });
  },
);

describe("the vendors' formats", () => {
  it("refuse what the services refuse, so the checks above can fail", () => {
    const refuses = (id: string, body: unknown) => {
      const format = VENDOR_FORMATS[id]({ org_id: "00D5g000004abcD", list_id: "57afe96172" });
      return new Validator(format.body, "2020-12").validate(body).valid === false;
    };
    expect(refuses("slack", { text: "" })).toBe(true);
    expect(refuses("slack", { text: "hi", colour: "red" })).toBe(true);
    expect(refuses("hubspot", { inputs: [{ id: "a", properties: { firstname: null } }] })).toBe(
      true,
    );
    expect(refuses("mailchimp", { email_address: "a@b.c", status_if_new: "maybe" })).toBe(true);
    expect(refuses("salesforce-web-to-lead", { oid: "00D5g000004abcD", last_name: "Doe" })).toBe(
      true,
    );
    expect(
      refuses("microsoft-teams", { type: "message", attachments: [{ contentType: "x" }] }),
    ).toBe(true);
    expect(refuses("airtable", { records: [] })).toBe(true);
    expect(refuses("zapier", {})).toBe(true);
  });
});

describe("POST /v1/integrations with a template: refused parameters", () => {
  it("names each missing, unknown or malformed parameter (422)", async () => {
    const { key } = await createWorld();
    const response = await api("POST", "/v1/integrations", {
      key,
      body: {
        template: "mailchimp",
        params: { api_key: "nope", list_id: "57afe96172", status_if_new: "maybe", colour: "red" },
      },
    });
    expect(expectError(response, 422, "UNPROCESSABLE").details).toEqual([
      { path: "params.colour", message: expect.stringMatching(/^Unknown parameter/) },
      { path: "params.api_key", message: expect.stringMatching(/^Not in the expected form/) },
      { path: "params.api_base_url", message: "Required." },
      { path: "params.status_if_new", message: "One of pending, subscribed, transactional." },
    ]);
  });

  it("checks URL parameters by the webhook URL policy and the service's hosts", async () => {
    const { key } = await createWorld();
    const production = { ALLOW_HTTP_TARGETS: "false", ALLOW_PRIVATE_TARGETS: "false" };
    const slack = (url: string) =>
      api("POST", "/v1/integrations", {
        key,
        env: production,
        body: { template: "slack", params: { webhook_url: url } },
      });
    const elsewhere = await slack("https://example.com/services/T1/B1/abc");
    expect(expectError(elsewhere, 422, "UNPROCESSABLE").details).toEqual([
      { path: "params.webhook_url", message: "A URL of hooks.slack.com." },
    ]);
    const plain = await slack("http://hooks.slack.com/services/T1/B1/abc");
    expect(expectError(plain, 422, "UNPROCESSABLE").details).toEqual([
      { path: "params.webhook_url", message: "Only https URLs are allowed." },
    ]);
    const fine = await slack("https://hooks.slack.com/services/T1/B1/abc");
    expect(fine.status).toBe(201);
  });

  it("refuses a template with its own mapping or fixed configuration, params without a template, no name without one", async () => {
    const { key } = await createWorld();
    const paths = async (body: unknown) =>
      expectError(
        await api("POST", "/v1/integrations", { key, body: body as never }),
        400,
        "VALIDATION_FAILED",
      ).details.map((d) => d.path);
    expect(
      await paths({
        template: "slack",
        params: { webhook_url: "https://hooks.slack.com/services/T1/B1/abc" },
        field_mapping: [{ name: "e", mapped_to: "email" }],
        fixed_configuration: { fields: [{ name: "vat", label: "VAT", type: "text" }] },
      }),
    ).toEqual(["field_mapping", "fixed_configuration"]);
    expect(await paths({ params: { a: "b" } })).toEqual(["name", "params"]);
    expect(await paths({ template: "myspace", params: {} })).toEqual(["template"]);
  });

  it("creates nothing when a parameter is refused", async () => {
    const { key } = await createWorld();
    const refused = await api("POST", "/v1/integrations", {
      key,
      body: { template: "airtable", params: { access_token: "x" } },
    });
    expect(refused.status).toBe(422);
    const list = await api("GET", "/v1/integrations", { key });
    expect(list.body.data).toEqual([]);
  });
});

describe("a template's fixed configuration", () => {
  it("Salesforce makes last name and company required while it is active", async () => {
    const { key, profile, event } = await createWorld();
    const created = await api("POST", "/v1/integrations", {
      key,
      body: {
        template: "salesforce-web-to-lead",
        params: { org_id: "00D5g000004abcD" },
        profile_uids: [profile.uid],
      },
    });
    expect(created.body.data.fixed_configuration.fields.map((f) => f.name)).toEqual([
      "lastname",
      "cpy_name",
    ]);
    await activate(key, profile.uid, created.body.data.id);
    const fields = await api("GET", `/v1/events/${event.uid}/fields`, { key });
    expect(fields.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "lastname", required: true, locked: true }),
        expect.objectContaining({ name: "cpy_name", required: true, locked: true }),
      ]),
    );
  });
});

describeAuth("GET /v1/integration-templates", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async () => ({ method: "GET", path: "/v1/integration-templates" }),
});
describeAuth("GET /v1/integration-templates/{id}", {
  otherAccount: "own",
  integrationKey: 403,
  setup: async () => ({ method: "GET", path: "/v1/integration-templates/slack" }),
});
