import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_FIELD_NAMES } from "../../src/domain/event";
import { TemplateError } from "../../src/domain/payload-template";
import { wellFormed } from "../../src/domain/payload-template/values";
import {
  type ContentInput,
  formEncoded,
  knownFieldsFor,
  renderContent,
  templateScope,
  webhookContentProblems,
} from "../../src/domain/webhook-content";
import { anyText } from "./payload-template/fixtures";

const attendee = {
  uid: "gst_1",
  event_uid: "evt_1",
  event_name: "Weft Conf",
  event_start_date: "2026-06-12T07:00:00.000Z",
  event_end_date: "2026-06-13T16:00:00.000Z",
  email: "Jane@Example.com",
  firstname: "Jane",
  lastname: "Doe",
};
const context = {
  account: { id: "acc_1", name: "Acme" },
  event: { uid: "evt_1", name: "Weft Conf" },
};
const webhook = (fields: Partial<Parameters<typeof renderContent>[0]> = {}) => ({
  url: "https://example.com/hooks",
  payloadTemplate: null,
  bodyEncoding: "json" as const,
  ...fields,
});

describe("templateScope", () => {
  it("maps an attendee, and gives its event; an event is item and event at once", () => {
    const mapping = [{ name: "mail", mapped_to: "email" }];
    const guest = templateScope("guest.create", attendee, mapping, context);
    expect(guest).toEqual({
      item: { mail: "Jane@Example.com" },
      event: context.event,
      trigger: "guest.create",
      account: context.account,
    });
    const event = { uid: "evt_1", name: "Weft Conf" };
    expect(templateScope("event.update", event, mapping, context)).toMatchObject({
      item: event,
      event,
    });
  });

  it("falls back on the event fields an attendee carries when its event is gone", () => {
    const scope = templateScope("guest.update", attendee, [], { ...context, event: null });
    expect(scope.event).toEqual({
      uid: "evt_1",
      name: "Weft Conf",
      start_date: "2026-06-12T07:00:00.000Z",
      end_date: "2026-06-13T16:00:00.000Z",
    });
  });
});

describe("renderContent", () => {
  const scope = templateScope("guest.create", attendee, [], context);

  it("sends the item itself without a template, and no URL of its own without placeholders", () => {
    expect(renderContent(webhook(), scope)).toEqual({
      payload: JSON.stringify(attendee),
      url: null,
    });
  });

  it("renders the body and the URL", () => {
    const rendered = renderContent(
      webhook({
        url: "https://us21.api.mailchimp.com/3.0/lists/abc/members/{{email | lower | md5}}",
        payloadTemplate: { text: "{{firstname}} joined {{event.name}} ({{account.name}})" },
      }),
      scope,
    );
    expect(JSON.parse(rendered.payload)).toEqual({ text: "Jane joined Weft Conf (Acme)" });
    // md5("jane@example.com")
    expect(rendered.url).toBe(
      "https://us21.api.mailchimp.com/3.0/lists/abc/members/9e26471d35a78862c17e467d87cddedf",
    );
  });

  it("names the webhook property in the error: payload_template.<entry> or url", () => {
    const fail = (fields: Partial<Parameters<typeof renderContent>[0]>) => {
      try {
        renderContent(webhook(fields), templateScope("guest.create", { email: null }, [], context));
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateError);
        return (error as TemplateError).path;
      }
      throw new Error("rendered");
    };
    expect(fail({ payloadTemplate: { a: ["{{x | nope}}"] } })).toBe("payload_template.a.0");
    expect(fail({ payloadTemplate: "{{x | nope}}" })).toBe("payload_template");
    expect(fail({ url: "https://example.com/members/{{email}}" })).toBe("url");
  });
});

describe("formEncoded", () => {
  it("writes each top-level key as a field, values as text", () => {
    const body = {
      first_name: "Jane",
      empty: null,
      n: 3,
      yes: true,
      tags: ["a", "b"],
      "a b": "c&d=e",
    };
    expect(formEncoded(JSON.stringify(body))).toBe(
      "first_name=Jane&empty=&n=3&yes=true&tags=%5B%22a%22%2C%22b%22%5D&a+b=c%26d%3De",
    );
    expect(formEncoded("[1]")).toBe("");
    expect(formEncoded('"text"')).toBe("");
  });

  it("round-trips through URLSearchParams for any string values", () => {
    fc.assert(
      fc.property(fc.dictionary(anyText(8), anyText(20), { maxKeys: 5 }), (fields) => {
        const parsed = new URLSearchParams(formEncoded(JSON.stringify(fields)));
        expect(Object.fromEntries(parsed)).toEqual(
          Object.fromEntries(
            Object.entries(fields).map(([key, value]) => [wellFormed(key), wellFormed(value)]),
          ),
        );
      }),
    );
  });
});

describe("knownFieldsFor", () => {
  it("lets guest templates name system, native, free and the account's own fields", () => {
    const known = knownFieldsFor("guest.create", ["diet", "contact_email"]);
    for (const name of [
      "uid",
      "registration_status",
      "cpy_name",
      "free_field12",
      "diet",
      "contact_email",
    ]) {
      expect(known(name), name).toBe(true);
    }
    for (const name of ["fristname", "free_field", "free_field0", "name"]) {
      expect(known(name), name).toBe(false);
    }
  });

  it("lets event templates name the event's fields only", () => {
    const known = knownFieldsFor("event.update", ["diet"]);
    expect(EVENT_FIELD_NAMES.every(known)).toBe(true);
    expect(known("firstname")).toBe(false);
    expect(known("diet")).toBe(false);
  });
});

describe("webhookContentProblems", () => {
  const input = (fields: Partial<ContentInput>): ContentInput => ({
    method: "POST",
    url: "https://example.com/hooks",
    payload_template: null,
    body_encoding: "json",
    secret_url: false,
    ...fields,
  });
  const known = knownFieldsFor("guest.create");

  it("finds nothing wrong with a plain webhook or a good template", () => {
    expect(webhookContentProblems(input({}), known)).toEqual([]);
    expect(
      webhookContentProblems(
        input({
          url: "https://example.com/members/{{email | lower | md5}}?e={{event.uid}}",
          payload_template: { text: "{{firstname}}" },
          body_encoding: "form",
        }),
        known,
      ),
    ).toEqual([]);
  });

  it("names each bad entry and each impossible combination", () => {
    expect(
      webhookContentProblems(
        input({
          method: "GET",
          url: "https://{{host}}/x/{{fristname}}",
          payload_template: { text: "{{email | shout}}", list: ["{{fristname}}", "{{ email"] },
          body_encoding: "form",
          secret_url: true,
        }),
        known,
      ).map((problem) => problem.path),
    ).toEqual([
      "payload_template",
      "payload_template.text",
      "payload_template.list.0",
      "payload_template.list.1",
      "body_encoding",
      // secret, unknown host field, unknown path field, a placeholder in the host
      "url",
      "url",
      "url",
      "url",
    ]);
    expect(
      webhookContentProblems(
        input({ payload_template: ["{{email}}"], body_encoding: "form" }),
        known,
      ),
    ).toEqual([
      {
        path: "payload_template",
        message: "A form-encoded body is an object whose keys are the form's fields.",
      },
    ]);
  });
});
