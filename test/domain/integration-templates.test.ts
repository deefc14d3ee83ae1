import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkTargetUrl } from "../../src/delivery/target-policy";
import { NATIVE_FORM_FIELD_NAMES, SYSTEM_FIELD_NAMES } from "../../src/domain/attendee";
import {
  paramProblems,
  paramValues,
  TEMPLATES,
  templateById,
  webhooksOf,
} from "../../src/domain/integration-templates";
import { mapStrings, paramsIn } from "../../src/domain/integration-templates/template";
import { MAX_OUTPUT_BYTES } from "../../src/domain/payload-template";
import {
  knownFieldsFor,
  renderContent,
  templateScope,
  webhookContentProblems,
} from "../../src/domain/webhook-content";
import type { JsonValue } from "../../src/lib/types";
import { anyText } from "./payload-template/fixtures";

/** The rules every catalogue template keeps (src/domain/integration-templates/template.ts). */

const PRODUCTION = { allowHttp: false, allowPrivate: false };
const examples = (id: string) => {
  const template = templateById(id);
  if (!template) throw new Error(id);
  return Object.fromEntries(
    template.params.filter((p) => p.required).map((p) => [p.name, p.example]),
  );
};

/** Every string of a JSON value. */
function stringsOf(node: JsonValue): string[] {
  const found: string[] = [];
  mapStrings(node, (text) => {
    found.push(text);
    return text;
  });
  return found;
}

describe.each(TEMPLATES.map((template) => [template.id, template] as const))(
  "%s",
  (id, template) => {
    it("describes itself: an id, a name, a description and the vendor's https documentation", () => {
      expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(template.name).not.toBe("");
      expect(template.description.length).toBeGreaterThan(40);
      expect(new URL(template.documentation_url).protocol).toBe("https:");
      expect(new Set(template.params.map((p) => p.name)).size).toBe(template.params.length);
      for (const param of template.params) {
        // A parameter with a default is not required; a required one has none.
        expect(param.required, param.name).toBe(param.default === undefined);
      }
    });

    it("accepts its own examples and defaults, and names each bad parameter", () => {
      const given = Object.fromEntries(template.params.map((p) => [p.name, p.example]));
      expect(paramProblems(template, given, { anyHost: false })).toEqual([]);
      expect(paramProblems(template, examples(id), { anyHost: false })).toEqual([]);
      const required = template.params.filter((p) => p.required).map((p) => `params.${p.name}`);
      expect(paramProblems(template, { nope: 1 }, { anyHost: false }).map((p) => p.path)).toEqual([
        "params.nope",
        ...required,
      ]);
      for (const param of template.params) {
        const bad = { ...given, [param.name]: `{{${param.example}}}` };
        expect(paramProblems(template, bad, { anyHost: false }), param.name).toEqual([
          { path: `params.${param.name}`, message: expect.any(String) },
        ]);
      }
    });

    it("uses every parameter it declares, and declares every parameter it uses", () => {
      const used = template.webhooks.flatMap((webhook) => [
        ...paramsIn(webhook.url),
        ...Object.values(webhook.headers ?? {}).flatMap(paramsIn),
        ...paramsIn(webhook.basic_auth?.username ?? ""),
        ...paramsIn(webhook.basic_auth?.password ?? ""),
        ...stringsOf(webhook.payload_template).flatMap(paramsIn),
      ]);
      expect(new Set(used)).toEqual(new Set(template.params.map((p) => p.name)));
    });

    it("puts secrets only in headers or a whole secret URL", () => {
      for (const param of template.params.filter((p) => p.secret)) {
        for (const webhook of template.webhooks) {
          expect(stringsOf(webhook.payload_template).flatMap(paramsIn)).not.toContain(param.name);
          if (paramsIn(webhook.url).includes(param.name)) {
            expect(webhook.url).toBe(`<${param.name}>`);
            expect(webhook.secret_url).toBe(true);
          }
        }
      }
    });

    it("creates webhooks that can be saved and sent: content valid, URL allowed, headers clean", () => {
      const webhooks = webhooksOf(template, paramValues(template, examples(id)));
      expect(webhooks).toHaveLength(template.webhooks.length);
      const names = [
        ...template.field_mapping.map((entry) => entry.name),
        ...template.fixed_configuration.fields.map((field) => field.name),
      ];
      for (const webhook of webhooks) {
        expect(webhookContentProblems(webhook, knownFieldsFor(webhook.trigger, names))).toEqual([]);
        expect(checkTargetUrl(webhook.url, PRODUCTION)).toEqual({ ok: true });
        for (const [name, value] of Object.entries(webhook.headers)) {
          expect(name).toMatch(/^[a-z0-9-]+$/);
          expect(name.startsWith("x-weft-") || name.startsWith("webhook-")).toBe(false);
          expect(value).not.toMatch(/<[a-z_]+>/);
        }
        expect(JSON.stringify(webhook)).not.toMatch(/<[a-z][a-z0-9_]*>/);
      }
    });

    it("renders every webhook for any attendee: JSON within the bound, never an error", () => {
      const webhooks = webhooksOf(template, paramValues(template, examples(id)));
      const names = [...SYSTEM_FIELD_NAMES, ...NATIVE_FORM_FIELD_NAMES];
      const value = fc.oneof(anyText(60), fc.constant(null), fc.integer(), fc.boolean());
      const attendee = fc.record(Object.fromEntries(names.map((name) => [name, value])));
      fc.assert(
        fc.property(attendee, (guest) => {
          for (const webhook of webhooks) {
            const scope = templateScope(webhook.trigger, guest, [], {
              account: { id: "acc_1", name: "Acme" },
              event: { uid: "evt_1", name: "Summit", start_date: "2026-06-12T07:00:00.000Z" },
            });
            const { payload } = renderContent(
              {
                url: webhook.url,
                payloadTemplate: webhook.payload_template,
                bodyEncoding: webhook.body_encoding,
              },
              scope,
            );
            expect(new TextEncoder().encode(payload).length).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
            expect(JSON.parse(payload)).not.toBeUndefined();
          }
        }),
        { numRuns: 100 },
      );
    });
  },
);

describe("the catalogue", () => {
  it("holds at least six services, each id once", () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(6);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
  });

  it("checks URL hosts unless told a stand-in may play the service", () => {
    const slack = templateById("slack");
    if (!slack) throw new Error("no slack");
    const elsewhere = { webhook_url: "https://example.com/services/T1/B1/abc" };
    expect(paramProblems(slack, elsewhere, { anyHost: false })).toEqual([
      { path: "params.webhook_url", message: "A URL of hooks.slack.com." },
    ]);
    expect(paramProblems(slack, elsewhere, { anyHost: true })).toEqual([]);
  });
});
