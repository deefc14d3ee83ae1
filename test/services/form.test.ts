import { describe, expect, it } from "vitest";
import type { FormField } from "../../src/lib/types";
import {
  fieldValueProblem,
  isCountryCode,
  mergeFields,
  validateFields,
} from "../../src/services/form";

const field = (type: FormField["type"], extra: Partial<FormField> = {}): FormField => ({
  name: "f",
  label: "F",
  type,
  required: false,
  locked: false,
  ...extra,
});
const options = [
  { value: "a", label: "A" },
  { value: "b", label: "B" },
];

describe("fieldValueProblem: every field type", () => {
  const cases: [FormField, unknown[], unknown[]][] = [
    [field("text"), ["", "hello", "x".repeat(10_000)], [1, true, ["a"], {}, "x".repeat(10_001)]],
    [
      field("email"),
      ["jane@example.com", "a.b+c@sub.example.org"],
      ["jane", "jane@example", "a b@example.com", 3, `${"x".repeat(250)}@example.com`],
    ],
    [field("phone"), ["+32 2 123 45 67", "(02) 123-45.67", "0470123456"], ["call me", "+", "", 32]],
    [field("number"), [0, -1.5, 1e6], ["1", Number.NaN, Number.POSITIVE_INFINITY, null, true]],
    [
      field("date"),
      ["2026-06-12", "2024-02-29", "2026-06-12T07:00:00Z", "2026-06-12T09:00:00.5+02:00"],
      [
        "2026-02-30",
        "2025-02-29",
        "12/06/2026",
        "2026-06-12T25:00:00Z",
        "2026-06-12T07:00",
        20260612,
      ],
    ],
    [field("boolean"), [true, false], ["true", 0, 1, null]],
    [field("select", { options }), ["a", "b"], ["c", ["a"], 1, ""]],
    [field("multiselect", { options }), [["a"], ["a", "b"], []], ["a", ["c"], ["a", "a"], [1]]],
    [field("country", { type: "country" }), ["BE", "US", "GB"], ["be", "XX", "BEL", "UK", 32]],
  ];
  for (const [form, good, bad] of cases) {
    it(`${form.type}: accepts valid and refuses invalid values`, () => {
      for (const value of good) expect(fieldValueProblem(form, value), String(value)).toBeNull();
      for (const value of bad) {
        expect(fieldValueProblem(form, value), JSON.stringify(value)).toEqual(expect.any(String));
      }
    });
  }

  it("names unknown options", () => {
    expect(fieldValueProblem(field("select", { options }), "zz")).toMatch(/zz/);
    expect(fieldValueProblem(field("multiselect", { options }), ["a", "zz"])).toMatch(/zz/);
  });

  it("knows ISO 3166-1 alpha-2 codes only", () => {
    expect(isCountryCode("BE")).toBe(true);
    expect(isCountryCode("EU")).toBe(false);
  });
});

describe("validateFields", () => {
  const form: FormField[] = [
    field("email", { name: "email", required: true }),
    field("text", { name: "firstname" }),
    field("select", { name: "diet", options }),
    field("multiselect", { name: "tags", options, required: true }),
  ];

  it("accepts a valid set, with optional fields absent or null", () => {
    expect(validateFields(form, { email: "a@b.co", tags: ["a"], firstname: null })).toEqual([]);
  });

  it("gives one detail per problem, path fields.<name>", () => {
    const details = validateFields(form, {
      unknown: 1,
      firstname: 3,
      diet: "zz",
      tags: [],
    });
    expect(details).toEqual([
      { path: "fields.unknown", message: expect.stringMatching(/Not a field/) },
      { path: "fields.email", message: "Required." },
      { path: "fields.firstname", message: expect.any(String) },
      { path: "fields.diet", message: expect.stringMatching(/zz/) },
      { path: "fields.tags", message: "Required." },
    ]);
  });

  it("treats a blank string as missing for a required field", () => {
    expect(validateFields(form, { email: "  ", tags: ["a"] })).toEqual([
      { path: "fields.email", message: "Required." },
    ]);
  });
});

describe("mergeFields", () => {
  const form: FormField[] = [
    field("email", { name: "email", required: true }),
    field("text", { name: "firstname" }),
  ];

  it("merges, clears with null, and keeps values of fields no longer in the form", () => {
    const result = mergeFields(
      form,
      { email: "a@b.co", firstname: "Jane", old: "kept" },
      { firstname: null },
    );
    expect(result).toEqual({ values: { email: "a@b.co", old: "kept" }, details: [] });
  });

  it("refuses clearing a required field, unknown fields and bad values", () => {
    const result = mergeFields(form, { email: "a@b.co" }, { email: null, nope: 1, firstname: 2 });
    expect(result.details.map((d) => d.path)).toEqual([
      "fields.nope",
      "fields.email",
      "fields.firstname",
    ]);
  });
});
