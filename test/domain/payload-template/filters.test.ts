import { describe, expect, it } from "vitest";
import type { TemplateError } from "../../../src/domain/payload-template/errors";
import {
  applyFilter,
  FILTER_NAMES,
  filterCallProblem,
} from "../../../src/domain/payload-template/filters";
import { parseTemplateString } from "../../../src/domain/payload-template/syntax";

/** The calls of `{{ x | <chain> }}`. */
function calls(chain: string) {
  const parsed = parseTemplateString(`{{ x | ${chain} }}`);
  if (!parsed.ok || typeof parsed.segments[0] === "string") throw new Error(`bad chain ${chain}`);
  return parsed.segments[0].filters;
}

/** `value` through the filter chain. */
const run = (value: unknown, chain: string) =>
  calls(chain).reduce((v, call) => applyFilter(call, v, "here"), value);

describe("filters", () => {
  it("is the closed set the docs list", () => {
    expect(FILTER_NAMES).toEqual([
      "lower",
      "upper",
      "trim",
      "default",
      "date",
      "join",
      "md5",
      "sha256",
      "json",
      "urlencode",
    ]);
  });

  it("lower, upper and trim work on text, reading null and missing as empty", () => {
    expect(run("Jane DOE", "lower")).toBe("jane doe");
    expect(run("Jane doe", "upper")).toBe("JANE DOE");
    expect(run("straße", "upper")).toBe("STRASSE");
    expect(run("  Jane \n", "trim")).toBe("Jane");
    expect(run(null, "upper")).toBe("");
    expect(run(undefined, "lower")).toBe("");
    expect(run(42, "trim")).toBe("42");
    expect(run(["A"], "lower")).toBe('["a"]');
  });

  it("default replaces missing, null and empty text, and nothing else", () => {
    expect(run(undefined, 'default: "n/a"')).toBe("n/a");
    expect(run(null, "default: 0")).toBe(0);
    expect(run("", "default: false")).toBe(false);
    expect(run("", "default: null")).toBeNull();
    expect(run("Jane", 'default: "n/a"')).toBe("Jane");
    expect(run(0, 'default: "n/a"')).toBe(0);
    expect(run(false, 'default: "n/a"')).toBe(false);
    expect(run([], 'default: "n/a"')).toEqual([]);
  });

  it("date formats ISO dates in UTC with the documented tokens", () => {
    const at = "2026-03-01T23:30:05.123Z";
    expect(run(at, 'date: "YYYY-MM-DD HH:mm:ss"')).toBe("2026-03-01 23:30:05");
    expect(run(at, 'date: "DD/MM/YYYY"')).toBe("01/03/2026");
    expect(run(at, 'date: "ISO"')).toBe("2026-03-01T23:30:05.123Z");
    expect(run(at, 'date: "at HH h, YYYYY"')).toBe("at 23 h, 2026Y");
    expect(run(at, 'date: ""')).toBe("");
    // An offset moves the instant; no offset means UTC; a date alone is midnight UTC.
    expect(run("2026-03-02T01:30+02:00", 'date: "ISO"')).toBe("2026-03-01T23:30:00.000Z");
    expect(run("2026-03-01T23:30:00-0130", 'date: "YYYY-MM-DD HH:mm"')).toBe("2026-03-02 01:00");
    expect(run("2026-03-01 23:30", 'date: "ISO"')).toBe("2026-03-01T23:30:00.000Z");
    expect(run("2026-03-01", 'date: "ISO"')).toBe("2026-03-01T00:00:00.000Z");
    expect(run("2024-02-29", 'date: "DD"')).toBe("29");
    expect(run("0001-01-01", 'date: "YYYY"')).toBe("0001");
  });

  it("date gives null for what is not an ISO date, so default can stand in", () => {
    for (const value of [
      "2026-02-30",
      "2025-02-29",
      "2026-13-01",
      "2026-03-01T24:00",
      "2026-03-01T23:60",
      "2026-03-01T23:30+24:00",
      "0000-01-01T00:00+01:00",
      "March 1st",
      "1772407800",
      1772407800000,
      null,
      undefined,
      ["2026-03-01"],
    ]) {
      expect(run(value, 'date: "YYYY"'), String(value)).toBeNull();
    }
    expect(run("soon", 'date: "YYYY" | default: "TBA"')).toBe("TBA");
  });

  it("join joins arrays with the separator, and passes anything else as text", () => {
    expect(run(["a", 1, null, true, { b: 2 }], 'join: ", "')).toBe('a, 1, , true, {"b":2}');
    expect(run([], 'join: ","')).toBe("");
    expect(run("abc", 'join: ","')).toBe("abc");
    expect(run(undefined, 'join: ","')).toBe("");
  });

  it("md5 and sha256 hash the text as lower-case hex", () => {
    expect(run("Urist.McVankab@FreddiesJokes.com", "lower | md5")).toBe(
      "62eeb292278cc15f5817cb78f7790b08",
    );
    expect(run("abc", "sha256")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(run(undefined, "md5")).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });

  it("json serialises any value, missing as null", () => {
    expect(run({ a: [1, "x"] }, "json")).toBe('{"a":[1,"x"]}');
    expect(run('say "hi"', "json")).toBe('"say \\"hi\\""');
    expect(run(undefined, "json")).toBe("null");
  });

  it("urlencode percent-encodes everything that means something in a URL", () => {
    expect(run("a b/c?d=e&f#g@h+i:j\\k", "urlencode")).toBe(
      "a%20b%2Fc%3Fd%3De%26f%23g%40h%2Bi%3Aj%5Ck",
    );
    expect(run("é", "urlencode")).toBe("%C3%A9");
    // A lone surrogate would make encodeURIComponent throw; it becomes U+FFFD instead.
    expect(run("a\uD800b", "urlencode")).toBe("a%EF%BF%BDb");
  });

  it("refuses unknown filters and wrong arguments, with the reason", () => {
    const problem = (chain: string) => filterCallProblem(calls(chain)[0]);
    expect(problem("lowercase")).toBe(
      'Unknown filter "lowercase"; the filters are lower, upper, trim, default, date, join, md5, sha256, json, urlencode.',
    );
    expect(problem("constructor")).toMatch(/^Unknown filter "constructor"/);
    expect(problem("lower: 1")).toBe('The filter "lower" takes no arguments, got 1.');
    expect(problem("default")).toBe('The filter "default" takes 1 argument (a literal), got 0.');
    expect(problem('default: "a", "b"')).toBe(
      'The filter "default" takes 1 argument (a literal), got 2.',
    );
    expect(problem("join")).toBe('The filter "join" takes 1 argument (a string), got 0.');
    expect(problem("date: 5")).toBe('The filter "date" takes a string in double quotes.');
    expect(problem("join: null")).toBe('The filter "join" takes a string in double quotes.');
    expect(problem('date: "YYYY"')).toBeNull();
    // Applying a refused call fails with the same reason, as a TemplateError at the entry.
    expect(() => run("x", "nope")).toThrowError(
      expect.objectContaining({ name: "TemplateError", path: "here" }) as TemplateError,
    );
  });
});
