import { describe, expect, it } from "vitest";
import { parseTemplateString } from "../../../src/domain/payload-template/syntax";

const segments = (text: string) => {
  const parsed = parseTemplateString(text);
  if (!parsed.ok) throw new Error(`did not parse: ${parsed.message}`);
  return parsed.segments;
};
const problem = (text: string) => {
  const parsed = parseTemplateString(text);
  return parsed.ok ? null : parsed.message;
};

describe("parseTemplateString", () => {
  it("splits text and placeholders, with or without spaces inside the braces", () => {
    expect(segments("Hi {{firstname}} {{ event.name }}!")).toEqual([
      "Hi ",
      { path: ["firstname"], filters: [] },
      " ",
      { path: ["event", "name"], filters: [] },
      "!",
    ]);
    expect(segments("")).toEqual([]);
    expect(segments("no placeholders }} here")).toEqual(["no placeholders }} here"]);
    expect(segments("{{a}}{{b}}")).toEqual([
      { path: ["a"], filters: [] },
      { path: ["b"], filters: [] },
    ]);
  });

  it("reads dotted paths with digits, _ and -", () => {
    expect(segments("{{answers.0}}")).toEqual([{ path: ["answers", "0"], filters: [] }]);
    expect(segments("{{ my_field.sub-part }}")).toEqual([
      { path: ["my_field", "sub-part"], filters: [] },
    ]);
  });

  it("reads filter chains and literal arguments", () => {
    expect(
      segments(
        '{{ email | lower|md5 | default: "a \\"b\\" }} \\u00e9" | join:", " | x: -1.5e2, true,false , null }}',
      ),
    ).toEqual([
      {
        path: ["email"],
        filters: [
          { name: "lower", args: [] },
          { name: "md5", args: [] },
          { name: "default", args: ['a "b" }} é'] },
          { name: "join", args: [", "] },
          { name: "x", args: [-150, true, false, null] },
        ],
      },
    ]);
    expect(segments('{{x|default:""}}')).toEqual([
      { path: ["x"], filters: [{ name: "default", args: [""] }] },
    ]);
  });

  it("names the character where the syntax went wrong", () => {
    expect(problem("Hi {{")).toBe('The placeholder at character 4 has no closing "}}".');
    expect(problem("Hi {{ name | lower ")).toBe(
      'The placeholder at character 4 has no closing "}}".',
    );
    expect(problem('{{ x | default: "open }}')).toBe(
      "The string at character 17 has no closing quote.",
    );
    expect(problem("{{ }}")).toBe('Expected a field name at character 4, found "}}".');
    expect(problem("{{ a. }}")).toBe(
      'Expected a field name after "." at character 6, found " }}".',
    );
    expect(problem("{{ a b }}")).toBe('Expected "|" or "}}" at character 6, found "b }}".');
    expect(problem("{{ a | }}")).toBe(
      'Expected a filter name after "|" at character 8, found "}}".',
    );
    expect(problem("{{ a | 9x }}")).toBe(
      'Expected a filter name after "|" at character 8, found "9x }}".',
    );
    expect(problem("{{ a | default: 'x' }}")).toBe(
      "Expected a literal (a string in double quotes, a number, true, false or null) at character 17, found \"'x' }}\".",
    );
    expect(problem("{{ a | default: }}")).toMatch(/^Expected a literal .* at character 17/);
    expect(problem('{{ a | join: "x", }}')).toMatch(/^Expected a literal .* at character 19/);
    expect(problem("{{ a | default: nullx }}")).toMatch(/^Expected a literal .* at character 17/);
    expect(problem('{{ a | default: "\\q" }}')).toBe(
      "The string at character 17 is not a valid JSON string.",
    );
    expect(problem("{{ a | default: 1e999 }}")).toBe("The number at character 17 is too large.");
    expect(problem("{{ a | default: 01 }}")).toMatch(/^Expected "\|" or "}}" at character 18/);
    expect(problem("{{ __proto__ }} and {{ a..b }}")).toBe(
      'Expected a field name after "." at character 26, found ".b }}".',
    );
  });
});
