import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_OUTPUT_BYTES,
  renderTemplate,
  TemplateError,
  type TemplateScope,
  validateTemplate,
} from "../../../src/domain/payload-template";
import type { JsonValue } from "../../../src/lib/types";
import { anyText } from "./fixtures";

/**
 * Whatever the template and the scope: validation returns problems and never throws, rendering
 * returns JSON within the bound or throws a TemplateError, the same input renders the same, and no
 * path reaches a prototype.
 */

const ALL_KNOWN = { isKnownField: () => true };

/** fast-check's JSON values, typed as Weft's (its arrays are readonly). */
const json = (maxDepth: number) => fc.jsonValue({ maxDepth }) as fc.Arbitrary<JsonValue>;

const FIELDS = ["firstname", "email", "tags", "created_at", "capacity", "location"];
const PROTOTYPE_NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "length"];
const pathName = fc.oneof(
  fc.constantFrom(...FIELDS, "item", "event", "trigger", "account", "0", "1", "city", "id"),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/),
);
const path = fc.array(pathName, { minLength: 1, maxLength: 4 }).map((names) => names.join("."));

/** Filter calls that validate. */
const goodFilter = fc.constantFrom(
  "lower",
  "upper",
  "trim",
  'default: "x"',
  "default: 3",
  "default: null",
  'date: "YYYY-MM-DD HH:mm:ss"',
  'date: "ISO"',
  'join: ", "',
  "md5",
  "sha256",
  "json",
  "urlencode",
);
/** Anything a filter position might hold, most of it wrong. */
const anyFilter = fc.oneof(
  goodFilter,
  fc.constantFrom("nope", "join", "date: 1", "lower: 1", 'default: "a", "b"', "toString"),
);
const placeholder = (filter: fc.Arbitrary<string>) =>
  fc
    .tuple(path, fc.array(filter, { maxLength: 4 }), fc.constantFrom("", " "))
    .map(([p, filters, space]) => `{{${space}${[p, ...filters].join(" | ")}${space}}}`);

/** Template strings made of text and placeholders; `filter` decides whether they validate. */
const templateString = (filter: fc.Arbitrary<string>) =>
  fc.oneof(
    placeholder(filter),
    fc
      .array(fc.oneof(fc.string({ maxLength: 6 }), placeholder(filter)), { maxLength: 4 })
      .map((parts) => parts.join("")),
  );

/** Any JSON template whose strings are template strings or arbitrary text. */
const template = (strings: fc.Arbitrary<string>) =>
  fc.letrec<{ node: JsonValue }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      strings,
      anyText(10),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("node"), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 4 }),
    ),
  })).node;

const dateText = fc
  .date({ noInvalidDate: true, min: new Date(-1e14), max: new Date(3e14) })
  .map((d) => d.toISOString());
const fieldValue = fc.oneof(json(2), dateText, anyText());
const scopeArbitrary: fc.Arbitrary<TemplateScope> = fc.record({
  item: fc.dictionary(
    fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 6 })),
    fieldValue,
    {
      maxKeys: 8,
    },
  ),
  event: json(3),
  trigger: fc.constantFrom("guest.create", "event.update"),
  account: fc.record({ id: fc.string({ maxLength: 8 }), name: fc.string({ maxLength: 8 }) }),
});

/** The outcome of a render: its value, or the TemplateError; anything else fails the test. */
function outcome(t: JsonValue, s: TemplateScope): { value: JsonValue } | { error: TemplateError } {
  try {
    return { value: renderTemplate(t, s) };
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).not.toBe("");
    return { error: error as TemplateError };
  }
}

const bytes = (value: JsonValue) => new TextEncoder().encode(JSON.stringify(value)).length;

describe("payload template properties", () => {
  it("renders any JSON template to JSON that survives a round trip, or fails with a TemplateError", () => {
    fc.assert(
      fc.property(template(templateString(anyFilter)), scopeArbitrary, (t, s) => {
        const result = outcome(t, s);
        if ("value" in result) {
          expect(JSON.parse(JSON.stringify(result.value))).toEqual(result.value);
          expect(bytes(result.value)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
          // Without placeholders, a template renders to itself.
          const text = JSON.stringify(t);
          if (!text.includes("{{")) expect(result.value).toEqual(JSON.parse(text));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("takes any string: validation lists problems, rendering renders or throws a TemplateError", () => {
    const noise = fc
      .array(
        fc.oneof(
          fc.constantFrom("{{", "}}", "|", ":", ",", '"', "\\", ".", " ", "a", "1"),
          fc.string(),
        ),
        {
          maxLength: 12,
        },
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(noise, anyText(60)), scopeArbitrary, (text, s) => {
        const problems = validateTemplate(text, ALL_KNOWN);
        for (const problem of problems)
          expect(problem).toEqual({ path: "", message: expect.any(String) });
        const result = outcome(text, s);
        // Rendering fails exactly when validation found a problem.
        expect("error" in result).toBe(problems.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws for a template that validates, whatever the scope, and renders it the same twice", () => {
    fc.assert(
      fc.property(template(templateString(goodFilter)), scopeArbitrary, (t, s) => {
        fc.pre(validateTemplate(t, ALL_KNOWN).length === 0);
        const first = renderTemplate(t, s);
        expect(renderTemplate(t, structuredClone(s))).toEqual(first);
      }),
      { numRuns: 400 },
    );
  });

  it("never lets the output pass the bound, however the values and filters grow", () => {
    const seen = { over: 0, within: 0 };
    const big = fc
      .tuple(fc.nat(30_000), fc.constantFrom("x", '"', "é", "\u0001"))
      .map(([n, c]) => c.repeat(n));
    const growing = fc.constantFrom("json", "upper", 'join: "-"', "md5", 'default: "x"');
    const strings = fc
      .tuple(fc.array(growing, { maxLength: 5 }), fc.boolean())
      .map(([filters, alone]) => `${alone ? "" : "v="}{{${["big", ...filters].join(" | ")}}}`);
    fc.assert(
      fc.property(fc.array(strings, { minLength: 1, maxLength: 12 }), big, (t, value) => {
        const result = outcome(t, {
          item: { big: value },
          event: null,
          trigger: "t",
          account: { id: "", name: "" },
        });
        if ("error" in result) seen.over++;
        else {
          seen.within++;
          expect(bytes(result.value)).toBeLessThanOrEqual(MAX_OUTPUT_BYTES);
        }
      }),
      { numRuns: 200 },
    );
    // Both sides of the bound were reached, so the property above judged something.
    expect(seen.over).toBeGreaterThan(0);
    expect(seen.within).toBeGreaterThan(0);
  });

  it("never reaches a prototype, and leaves Object.prototype alone", () => {
    const dangerous = fc
      .array(fc.constantFrom(...PROTOTYPE_NAMES, "item", "event", "account"), {
        minLength: 1,
        maxLength: 4,
      })
      .map((names) => names.join("."));
    const safeKey = fc.string({ maxLength: 6 }).filter((key) => !PROTOTYPE_NAMES.includes(key));
    const safeScope = fc.record({
      item: fc.dictionary(safeKey, json(2), { maxKeys: 4 }),
      event: fc.dictionary(safeKey, json(2), { maxKeys: 4 }),
      trigger: fc.constant("guest.create"),
      account: fc.constant({ id: "acc_1", name: "Acme" }),
    });
    fc.assert(
      fc.property(dangerous, safeScope, (p, s) => {
        // Only item, event and account themselves may give a value; any name from the
        // prototype in the path gives nothing.
        if (p.split(".").some((name) => PROTOTYPE_NAMES.includes(name))) {
          expect(renderTemplate(`{{${p}}}`, s)).toBeNull();
          expect(renderTemplate(`<{{${p}}}>`, s)).toBe("<>");
        }
        renderTemplate(JSON.parse(`{"__proto__": {"polluted": "{{${p}}}"}}`), s);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
