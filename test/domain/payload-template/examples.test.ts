import { describe, expect, it } from "vitest";
import {
  renderTemplate,
  renderUrlTemplate,
  validateTemplate,
  validateUrlTemplate,
} from "../../../src/domain/payload-template";
import type { JsonValue } from "../../../src/lib/types";
import { scope, withItem } from "./fixtures";

/** Validated as the API would (the scope's attendee fields known), then rendered as the consumer would. */
function body(template: JsonValue, s = scope): JsonValue {
  const options = { isKnownField: (root: string) => Object.hasOwn(s.item, root) };
  expect(validateTemplate(template, options)).toEqual([]);
  return renderTemplate(template, s);
}

describe("the targets webhooks are for, end to end", () => {
  it("Slack: a message text", () => {
    expect(
      body({ text: "New registration: {{firstname}} {{lastname}} for {{event.name}}" }),
    ).toEqual({
      text: "New registration: Jane Doe for Weft Conf",
    });
  });

  it("HubSpot: contact properties", () => {
    expect(body({ properties: { email: "{{email}}", firstname: "{{firstname}}" } })).toEqual({
      properties: { email: "Jane.Doe@Example.com", firstname: "Jane" },
    });
  });

  it("Mailchimp: PUT to the member's hash, FNAME empty when there is no first name", () => {
    const url =
      "https://us21.api.mailchimp.com/3.0/lists/{{list_id}}/members/{{email | lower | md5}}";
    const template = {
      email_address: "{{email}}",
      status_if_new: "subscribed",
      merge_fields: { FNAME: '{{firstname | default: ""}}' },
    };
    const s = withItem({
      email: "Urist.McVankab@FreddiesJokes.com",
      firstname: null,
      list_id: "57afe96172",
    });
    expect(
      validateUrlTemplate(url, { isKnownField: (root) => Object.hasOwn(s.item, root) }),
    ).toEqual([]);
    expect(renderUrlTemplate(url, s)).toBe(
      "https://us21.api.mailchimp.com/3.0/lists/57afe96172/members/62eeb292278cc15f5817cb78f7790b08",
    );
    expect(body(template, s)).toEqual({
      email_address: "Urist.McVankab@FreddiesJokes.com",
      status_if_new: "subscribed",
      merge_fields: { FNAME: "" },
    });
  });

  it("Microsoft Teams: an adaptive card, arrays of objects inside objects", () => {
    const card = (facts: JsonValue): JsonValue => ({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: {
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", text: "New registration", weight: "Bolder", wrap: true },
              { type: "FactSet", facts },
            ],
          },
        },
      ],
    });
    expect(
      body(
        card([
          { title: "Name", value: "{{firstname}} {{lastname}}" },
          { title: "Event", value: "{{event.name}} ({{event.location.city}})" },
          { title: "Starts", value: '{{event.starts_at | date: "DD/MM/YYYY HH:mm"}} UTC' },
          { title: "Tags", value: '{{tags | join: ", "}}' },
        ]),
      ),
    ).toEqual(
      card([
        { title: "Name", value: "Jane Doe" },
        { title: "Event", value: "Weft Conf (Ghent)" },
        { title: "Starts", value: "10/04/2026 08:00 UTC" },
        { title: "Tags", value: "speaker, vegan" },
      ]),
    );
  });

  it("Google Sheets and Zapier: rows of values, numbers kept as numbers", () => {
    expect(
      body({
        values: [
          [
            "{{firstname}}",
            "{{email | lower}}",
            '{{created_at | date: "YYYY-MM-DD"}}',
            "{{capacity}}",
            "{{vip}}",
          ],
        ],
      }),
    ).toEqual({ values: [["Jane", "jane.doe@example.com", "2026-03-01", 3, true]] });
    expect(
      body({ trigger: "{{trigger}}", account: "{{account.name}}", attendee: "{{item}}" }),
    ).toEqual({ trigger: "guest.create", account: "Acme", attendee: scope.item });
  });

  it("Salesforce web-to-lead: flat form fields, with a fallback company", () => {
    expect(
      body({
        oid: "00D000000000062",
        first_name: "{{firstname}}",
        last_name: "{{lastname}}",
        email: "{{email}}",
        company: '{{company | default: "Individual"}}',
        lead_source: "Weft: {{event.name}}",
      }),
    ).toEqual({
      oid: "00D000000000062",
      first_name: "Jane",
      last_name: "Doe",
      email: "Jane.Doe@Example.com",
      company: "Individual",
      lead_source: "Weft: Weft Conf",
    });
  });
});
