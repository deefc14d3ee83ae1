import { describe, expect, it } from "vitest";
import { TemplateError } from "../../../src/domain/payload-template/errors";
import { MAX_FILTER_WORK, MAX_OUTPUT_BYTES } from "../../../src/domain/payload-template/limits";
import { renderTemplate } from "../../../src/domain/payload-template/render";
import type { JsonValue } from "../../../src/lib/types";
import { scope, withItem } from "./fixtures";

const render = (template: JsonValue) => renderTemplate(template, scope);

/** The TemplateError that rendering throws, or a failure when it does not throw one. */
function renderError(template: JsonValue, s = scope): TemplateError {
  try {
    renderTemplate(template, s);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("rendered without an error");
}

describe("renderTemplate", () => {
  it("keeps the type of a string that is exactly one placeholder", () => {
    expect(
      render({
        n: "{{capacity}}",
        b: "{{ vip }}",
        a: "{{tags}}",
        o: "{{location}}",
        nul: "{{company}}",
        missing: "{{nothing}}",
        d: "{{nothing | default: 5}}",
      }),
    ).toEqual({
      n: 3,
      b: true,
      a: ["speaker", "vegan"],
      o: { city: "Brussels", geo: { lat: 50.85 } },
      nul: null,
      missing: null,
      d: 5,
    });
  });

  it("interpolates any other string, values as text", () => {
    expect(
      render([
        "New registration: {{firstname}} {{lastname}}",
        " {{capacity}}",
        "{{capacity}}{{vip}}",
        "[{{company}}][{{nothing}}]",
        "tags={{tags}} at={{location.geo}}",
        "no placeholders }}",
      ]),
    ).toEqual([
      "New registration: Jane Doe",
      " 3",
      "3true",
      "[][]",
      'tags=["speaker","vegan"] at={"lat":50.85}',
      "no placeholders }}",
    ]);
  });

  it("renders nested objects and arrays, copying keys and other values as they are", () => {
    const template = JSON.parse(
      '{"__proto__": "{{firstname}}", "{{x}}": [1, null, false, {"k": ["{{ answers.0.a }}"]}]}',
    );
    const out = render(template) as Record<string, JsonValue>;
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":"Jane","{{x}}":[1,null,false,{"k":["vegan"]}]}');
  });

  it("reads the reserved roots before the item's keys; the item's own stay under item", () => {
    expect(
      render({
        event: "{{event.name}}",
        city: "{{event.location.city}}",
        trigger: "{{trigger}}",
        account: "{{account.name}} ({{account.id}})",
        own: "{{item.event}}",
        whole: "{{item.location}}",
      }),
    ).toEqual({
      event: "Weft Conf",
      city: "Ghent",
      trigger: "guest.create",
      account: "Acme (acc_1)",
      own: "my own field",
      whole: { city: "Brussels", geo: { lat: 50.85 } },
    });
  });

  it("reads own properties only, and arrays by index only", () => {
    const out = render([
      "{{__proto__}}",
      "{{constructor}}",
      "{{item.__proto__}}",
      "{{event.constructor.name}}",
      "{{tags.constructor}}",
      "{{location.toString}}",
      "{{tags.length}}",
      "{{firstname.length}}",
      "{{firstname.0}}",
      "{{tags.01}}",
      "{{tags.1}}",
      "{{tags.2}}",
      "{{location.nowhere.deeper}}",
      "{{trigger.x}}",
    ]);
    expect(out).toEqual([...Array(10).fill(null), "vegan", null, null, null]);
    // A key really named __proto__ (as JSON.parse makes it) is an own property, and is read.
    expect(renderTemplate("{{__proto__.a}}", withItem(JSON.parse('{"__proto__": {"a": 1}}')))).toBe(
      1,
    );
  });

  it("returns plain JSON that shares nothing with the scope", () => {
    const out = render({ loc: "{{location}}", tags: "{{tags}}" }) as {
      loc: { city: string };
      tags: string[];
    };
    out.loc.city = "changed";
    out.tags.push("changed");
    expect(scope.item.location).toEqual({ city: "Brussels", geo: { lat: 50.85 } });
    expect(scope.item.tags).toEqual(["speaker", "vegan"]);
    // JSON's own normalisation: -0 becomes 0, so the output always survives a round trip.
    expect(Object.is(render(-0), 0)).toBe(true);
  });

  it("fails a template that does not validate with a TemplateError at its entry", () => {
    expect(renderError({ a: { b: "{{ firstname | nope }}" } })).toMatchObject({
      path: "a.b",
      message: expect.stringMatching(/^Unknown filter "nope"/),
    });
    expect(renderError(["ok", "{{ x"])).toMatchObject({
      path: "1",
      message: 'The placeholder at character 1 has no closing "}}".',
    });
    // Which fields exist is not render's concern: an unknown one renders empty.
    expect(render("{{ not_a_field }}")).toBeNull();
  });

  it("bounds the output: early by characters made, then exactly by bytes", () => {
    const kilo = "x".repeat(1024);
    const item = { kilo, quotes: '"'.repeat(40 * 1024) };
    const many = Array(70).fill("{{kilo}}");
    expect(renderError(many, withItem(item))).toMatchObject({
      message: `The rendered body passed ${MAX_OUTPUT_BYTES} characters.`,
    });
    expect(renderTemplate(many.slice(0, 60), withItem(item))).toHaveLength(60);
    // 40 Ki characters, each escaped to two bytes in JSON: under the running count, over the bound.
    expect(renderError("{{quotes}}", withItem(item))).toMatchObject({
      path: "",
      message: `The rendered body is ${80 * 1024 + 2} bytes; at most ${MAX_OUTPUT_BYTES}.`,
    });
    // Raw objects count by their JSON.
    expect(renderError(Array(70).fill("{{item}}"), withItem({ kilo }))).toMatchObject({
      message: `The rendered body passed ${MAX_OUTPUT_BYTES} characters.`,
    });
  });

  it("bounds what filters read and write, so a chain cannot grow and hashing stays quick", () => {
    const limit = `What the filters read and wrote passed ${MAX_FILTER_WORK} characters.`;
    const item = {
      quotes: '"'.repeat(100),
      long: "x".repeat(MAX_FILTER_WORK + 1),
      twoKilo: "x".repeat(2048),
    };
    // Each json doubles the quotes: 100, 202, 406, ... until the running count passes the bound.
    expect(renderError({ t: `{{ quotes${" | json".repeat(40)} }}` }, withItem(item))).toMatchObject(
      {
        path: "t",
        message: limit,
      },
    );
    // A field too long to hash is refused before it is hashed; unfiltered it costs no filter work.
    expect(renderError("{{ long | md5 }}", withItem(item))).toMatchObject({ message: limit });
    expect(renderError("{{ long }}", withItem(item)).message).toMatch(/^The rendered body passed/);
    // The count runs over the whole rendering: 200 hashes of 2 KiB pass it, 100 do not.
    expect(renderError(Array(200).fill("{{twoKilo | md5}}"), withItem(item))).toMatchObject({
      message: limit,
    });
    expect(renderTemplate(Array(100).fill("{{twoKilo | md5}}"), withItem(item))).toHaveLength(100);
  });

  it("fails on a value JSON cannot hold with a TemplateError, not a TypeError", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const item = { cyclic, big: 1n };
    for (const template of ["{{cyclic | json}}", "x {{cyclic}}", "{{cyclic}}", "{{big | md5}}"]) {
      expect(renderError({ t: template }, withItem(item))).toMatchObject({
        path: "t",
        message: "A value could not be serialised as JSON.",
      });
    }
  });
});
