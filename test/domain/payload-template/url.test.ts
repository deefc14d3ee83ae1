import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TemplateError } from "../../../src/domain/payload-template/errors";
import { MAX_URL_LENGTH } from "../../../src/domain/payload-template/limits";
import { renderUrlTemplate, validateUrlTemplate } from "../../../src/domain/payload-template/url";
import { ANY_FIELD } from "../../../src/domain/payload-template/validate";
import { wellFormed } from "../../../src/domain/payload-template/values";
import { anyText, scope, withItem } from "./fixtures";

const validate = (url: string) => validateUrlTemplate(url, ANY_FIELD).map((p) => p.message);
const render = (url: string, item: Record<string, string> = {}) =>
  renderUrlTemplate(url, withItem({ ...scope.item, ...item }));

const HOST_ONLY =
  "Placeholders may stand only in the path and the query, not in the scheme or host.";

describe("validateUrlTemplate", () => {
  it("accepts placeholders in the path and the query", () => {
    expect(
      validate("https://api.example.com/lists/{{uid}}/members/{{ email | lower | md5 }}"),
    ).toEqual([]);
    expect(validate("https://api.example.com?email={{email}}&t={{trigger}}#top")).toEqual([]);
    expect(validate('https://api.example.com/x-{{uid}}.json?q={{ tags | join: "/" }}')).toEqual([]);
    expect(validate("https://api.example.com/plain")).toEqual([]);
  });

  it("refuses placeholders in the scheme, the host, the credentials or the fragment", () => {
    expect(validate("https://{{dc}}.api.mailchimp.com/3.0/lists")).toEqual([HOST_ONLY]);
    expect(validate("https://api.example.com:{{port}}/x")).toEqual([HOST_ONLY]);
    expect(validate("https://user:{{password}}@api.example.com/x")).toEqual([HOST_ONLY]);
    // A "/" inside a filter argument does not start the path.
    expect(validate('https://{{ a | join: "/" }}.example.com/')).toEqual([HOST_ONLY]);
    expect(validate("https://api.example.com/x#{{uid}}")).toEqual([
      "Placeholders may stand only in the path and the query, not after #.",
    ]);
    expect(validate("{{base}}/x")).toEqual([
      "A URL template starts with its scheme and host written out (https://...).",
      HOST_ONLY,
      "Not a valid absolute URL.",
    ]);
    expect(validate("/relative/{{uid}}")).toEqual([
      "A URL template starts with its scheme and host written out (https://...).",
      "Not a valid absolute URL.",
    ]);
  });

  it("refuses urlencode (values are encoded already), bad syntax and unknown names", () => {
    expect(validate("https://x.example/{{email | urlencode}}")).toEqual([
      "Values in a URL are percent-encoded already; urlencode would encode them twice.",
    ]);
    expect(validate("https://x.example/{{email")).toEqual([
      'The placeholder at character 19 has no closing "}}".',
    ]);
    expect(
      validateUrlTemplate("https://x.example/{{nope | upper}}", { isKnownField: () => false }),
    ).toEqual([{ path: "", message: 'Unknown field "nope".' }]);
    expect(validate("https://exa mple.com/{{uid}}")).toEqual(["Not a valid absolute URL."]);
  });
});

describe("renderUrlTemplate", () => {
  it("renders the Mailchimp member URL with its literal data centre", () => {
    expect(
      render(
        "https://us21.api.mailchimp.com/3.0/lists/{{list_id}}/members/{{email | lower | md5}}",
        {
          list_id: "a1b2c3",
          email: "Urist.McVankab@FreddiesJokes.com",
        },
      ),
    ).toBe(
      "https://us21.api.mailchimp.com/3.0/lists/a1b2c3/members/62eeb292278cc15f5817cb78f7790b08",
    );
  });

  it("percent-encodes each value so it cannot add a segment, a parameter, a fragment or a host", () => {
    const hostile = "../a/b?c=d&e#f@evil.example:1\\g h+é";
    const url = render("https://api.example.com/p/{{v}}/q?x={{v}}&y=1", { v: hostile });
    const encoded = "..%2Fa%2Fb%3Fc%3Dd%26e%23f%40evil.example%3A1%5Cg%20h%2B%C3%A9";
    expect(url).toBe(`https://api.example.com/p/${encoded}/q?x=${encoded}&y=1`);
    const parsed = new URL(url);
    expect(parsed.host).toBe("api.example.com");
    expect(parsed.pathname.split("/")).toHaveLength(4);
    expect([...parsed.searchParams.keys()]).toEqual(["x", "y"]);
    expect(parsed.searchParams.get("x")).toBe(hostile);
    expect(parsed.hash).toBe("");
  });

  it("renders values as text: missing as empty, arrays and objects as JSON", () => {
    expect(render("https://x.example/?t={{tags}}&c={{company}}&n={{capacity}}")).toBe(
      "https://x.example/?t=%5B%22speaker%22%2C%22vegan%22%5D&c=&n=3",
    );
  });

  it('refuses a path segment a placeholder makes "", "." or ".."', () => {
    for (const [v, made] of [
      ["", ""],
      [".", "."],
      ["..", ".."],
    ]) {
      expect(() => render("https://x.example/lists/{{v}}/members", { v })).toThrowError(
        new TemplateError("", `A placeholder made the URL path segment "${made}".`),
      );
    }
    expect(() => render("https://x.example/{{a}}{{b}}", { a: ".", b: "." })).toThrowError(
      /path segment "\.\."/,
    );
    expect(() => render("https://x.example/%2e{{a}}", { a: "." })).toThrowError(/segment "%2e\."/);
    // Text around the placeholder, or the query, make an empty value harmless.
    expect(render("https://x.example/v{{v}}/?q={{v}}", { v: "" })).toBe("https://x.example/v/?q=");
    expect(render("https://x.example/lists/{{v}}", { v: "..." })).toBe(
      "https://x.example/lists/...",
    );
  });

  it("fails a template that does not validate, and bounds the URL's length", () => {
    expect(() => render("https://{{dc}}.example.com/")).toThrowError(
      new TemplateError("", HOST_ONLY),
    );
    const long = "x".repeat(MAX_URL_LENGTH);
    expect(() => render("https://x.example/{{v}}", { v: long })).toThrowError(
      `The rendered URL passed ${MAX_URL_LENGTH} characters.`,
    );
  });

  it("keeps host, path segments and query keys whatever the values", () => {
    fc.assert(
      fc.property(anyText(), fc.string({ maxLength: 40 }), (a, b) => {
        let url: string;
        try {
          url = render("https://api.example.com/a/{{a}}/b-{{b}}?k={{a}}{{b}}&l={{b}}", { a, b });
        } catch (error) {
          // Only the refused dot segments may fail.
          expect(error).toBeInstanceOf(TemplateError);
          expect(["", ".", ".."]).toContain(a);
          return;
        }
        const parsed = new URL(url);
        expect(parsed.host).toBe("api.example.com");
        expect(parsed.pathname.split("/").slice(0, 2)).toEqual(["", "a"]);
        expect(parsed.pathname.split("/")).toHaveLength(4);
        expect([...parsed.searchParams.keys()]).toEqual(["k", "l"]);
        expect(parsed.searchParams.get("l")).toBe(wellFormed(b));
        expect(parsed.hash).toBe("");
      }),
      { numRuns: 300 },
    );
  });
});
