import { describe, expect, it } from "vitest";
import {
  MAX_PLACEHOLDERS,
  MAX_PROBLEMS,
  MAX_TEMPLATE_BYTES,
  MAX_TEMPLATE_DEPTH,
} from "../../../src/domain/payload-template/limits";
import { validateTemplate } from "../../../src/domain/payload-template/validate";
import { scope } from "./fixtures";

const known = { isKnownField: (root: string) => Object.hasOwn(scope.item, root) };
const validate = (template: unknown) => validateTemplate(template, known);

/** `levels` arrays nested inside each other around a string. */
function nested(levels: number): unknown {
  let value: unknown = "{{firstname}}";
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe("validateTemplate", () => {
  it("accepts any JSON value whose placeholders are sound", () => {
    expect(validate({ text: "Hi {{firstname}} ({{ email | lower }})", n: 1, ok: true })).toEqual(
      [],
    );
    expect(validate(['{{tags | join: ", "}}', null, 2.5, { deep: ["{{capacity}}"] }])).toEqual([]);
    expect(validate("{{event.name}}")).toEqual([]);
    expect(validate(42)).toEqual([]);
    // Keys are copied, never rendered, so a key that looks like a placeholder is no problem.
    expect(validate({ "{{nope": "plain" })).toEqual([]);
  });

  it("names each problem's entry: keys and array indexes joined by dots", () => {
    expect(
      validate({
        properties: { email: "{{emial}}", firstname: "{{firstname | lowercase}}" },
        blocks: [{ text: "ok" }, { text: "Hi {{ firstname " }],
      }),
    ).toEqual([
      { path: "properties.email", message: 'Unknown field "emial".' },
      {
        path: "properties.firstname",
        message: expect.stringMatching(/^Unknown filter "lowercase"/),
      },
      { path: "blocks.1.text", message: 'The placeholder at character 4 has no closing "}}".' },
    ]);
    expect(validate("{{ nope }}")).toEqual([{ path: "", message: 'Unknown field "nope".' }]);
  });

  it("reports every placeholder's problems in a string, filters and arguments included", () => {
    expect(validate({ t: "{{a}} {{firstname | join}} {{b | date: 1}}" })).toEqual([
      { path: "t", message: 'Unknown field "a".' },
      { path: "t", message: 'The filter "join" takes 1 argument (a string), got 0.' },
      { path: "t", message: 'Unknown field "b".' },
      { path: "t", message: 'The filter "date" takes a string in double quotes.' },
    ]);
  });

  it("asks the caller about root names only, never about the reserved roots", () => {
    const asked: string[] = [];
    const problems = validateTemplate(
      ["{{location.city}}", "{{event.x}}", "{{trigger}}", "{{account.id}}", "{{item.zz}}"],
      {
        isKnownField: (root) => {
          asked.push(root);
          return false;
        },
      },
    );
    expect(asked).toEqual(["location"]);
    expect(problems).toEqual([{ path: "0", message: 'Unknown field "location".' }]);
  });

  it("bounds the serialised size in UTF-8 bytes", () => {
    const fits = "x".repeat(MAX_TEMPLATE_BYTES - 2); // with its two quotes, exactly the bound
    expect(validate(fits)).toEqual([]);
    expect(validate(`${fits}x`)).toEqual([
      {
        path: "",
        message: `The template is ${MAX_TEMPLATE_BYTES + 1} bytes as JSON; at most ${MAX_TEMPLATE_BYTES}.`,
      },
    ]);
    expect(validate(`é${fits.slice(1)}`)[0].message).toMatch(/is 16385 bytes/);
  });

  it("bounds the nesting, and refuses a cycle instead of overflowing the stack", () => {
    expect(validate(nested(MAX_TEMPLATE_DEPTH))).toEqual([]);
    expect(validate(nested(MAX_TEMPLATE_DEPTH + 1))).toEqual([
      {
        path: Array(MAX_TEMPLATE_DEPTH).fill(0).join("."),
        message: `Nested deeper than ${MAX_TEMPLATE_DEPTH} levels.`,
      },
    ]);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(validate(cycle)).toEqual([
      { path: Array(MAX_TEMPLATE_DEPTH).fill("self").join("."), message: expect.any(String) },
    ]);
    expect(validate(nested(100_000))[0].message).toMatch(/^Nested deeper/);
  });

  it("refuses values JSON cannot carry", () => {
    expect(validate({ a: [1, Number.NaN] })).toEqual([
      { path: "a.1", message: "Numbers must be finite." },
    ]);
    expect(validate(Number.POSITIVE_INFINITY)).toEqual([
      { path: "", message: "Numbers must be finite." },
    ]);
    for (const value of [undefined, () => 1, 1n, Symbol("s"), new Date(0), new Map(), /x/]) {
      expect(validate({ k: value }), String(value)).toEqual([
        { path: "k", message: "Not a JSON value." },
      ]);
    }
    expect(validate(Object.create(null))).toEqual([]);
  });

  it("bounds the number of placeholders over the whole template", () => {
    const strings = (n: number) => Array(n).fill("{{firstname}}");
    expect(validate(strings(MAX_PLACEHOLDERS))).toEqual([]);
    expect(validate([...strings(MAX_PLACEHOLDERS), "{{nope}}"])).toEqual([
      {
        path: "",
        message: `The template has ${MAX_PLACEHOLDERS + 1} placeholders; at most ${MAX_PLACEHOLDERS}.`,
      },
      { path: String(MAX_PLACEHOLDERS), message: 'Unknown field "nope".' },
    ]);
  });

  it(`reports at most ${MAX_PROBLEMS} problems`, () => {
    const problems = validate(Array.from({ length: 50 }, (_, i) => `{{missing_${i}}}`));
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems.at(-1)).toEqual({
      path: String(MAX_PROBLEMS - 1),
      message: `Unknown field "missing_${MAX_PROBLEMS - 1}".`,
    });
  });
});
