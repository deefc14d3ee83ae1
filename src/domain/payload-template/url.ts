import { TemplateError, type TemplateProblem } from "./errors";
import { MAX_URL_LENGTH } from "./limits";
import { Budget, evaluate, filterWork } from "./render";
import type { TemplateScope } from "./scope";
import type { Placeholder, Segment } from "./syntax";
import { ANY_FIELD, checkString, type ValidateOptions } from "./validate";
import { toText, wellFormed } from "./values";

/**
 * URL templates: placeholders in the path and the query only. The scheme and host are written out
 * (`https://us21.api.mailchimp.com/...`, not `https://{{dc}}.api...`), so the host a webhook may
 * call is the one saved and checked; the fragment is never sent, so it takes none either.
 *
 * Each value is percent-encoded with encodeURIComponent, which is safe in both positions: it
 * encodes / ? # & = + @ : and \, so a value cannot add a path segment or a query parameter, end
 * the query or reach the host. A path segment that a placeholder makes "", "." or ".." is refused
 * (the URL parser would drop or climb it). The caller checks the rendered URL with the target
 * policy like any other.
 */

type Position = "authority" | "path" | "query" | "fragment";

/** A literal character, or a placeholder, and where it stands. */
type Piece = { position: Position } & ({ char: string } | { placeholder: Placeholder });

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** What is wrong with a URL template ([] when it can be saved); every problem's path is "". */
export function validateUrlTemplate(url: string, options: ValidateOptions): TemplateProblem[] {
  return analyse(url, options).problems.map((message) => ({ path: "", message }));
}

/** The URL for a scope; throws only TemplateError. Check the result with the target policy. */
export function renderUrlTemplate(url: string, scope: TemplateScope): string {
  const { problems, pieces } = analyse(url, ANY_FIELD);
  if (problems.length > 0) throw new TemplateError("", problems[0]);
  const output = new Budget(MAX_URL_LENGTH, "The rendered URL");
  const work = filterWork();
  let out = "";
  // The path segment being written, and whether a placeholder wrote into it.
  let segment = "";
  let dynamic = false;
  const closeSegment = () => {
    const dots = segment.replace(/%2e/gi, ".");
    if (dynamic && (dots === "" || dots === "." || dots === "..")) {
      throw new TemplateError("", `A placeholder made the URL path segment "${segment}".`);
    }
    [segment, dynamic] = ["", false];
  };
  for (const piece of pieces) {
    const text =
      "char" in piece
        ? piece.char
        : encodeURIComponent(wellFormed(toText(evaluate(piece.placeholder, "", scope, work), "")));
    output.spend(text.length, "");
    out += text;
    if (piece.position !== "path") continue;
    if ("char" in piece && isSlash(piece.char)) closeSegment();
    else [segment, dynamic] = [segment + text, dynamic || "placeholder" in piece];
  }
  closeSegment();
  return out;
}

function analyse(url: string, options: ValidateOptions): { problems: string[]; pieces: Piece[] } {
  const { segments, problems } = checkString(url, options);
  if (segments.length === 0) return { problems, pieces: [] };
  if (typeof segments[0] !== "string" || !SCHEME.test(segments[0])) {
    problems.push("A URL template starts with its scheme and host written out (https://...).");
  }
  const pieces = piecesOf(segments);
  const placed = pieces.flatMap((p) => ("placeholder" in p ? [p] : []));
  if (placed.some((p) => p.position === "authority")) {
    problems.push(
      "Placeholders may stand only in the path and the query, not in the scheme or host.",
    );
  }
  if (placed.some((p) => p.position === "fragment")) {
    problems.push("Placeholders may stand only in the path and the query, not after #.");
  }
  if (placed.some((p) => p.placeholder.filters.some((f) => f.name === "urlencode"))) {
    problems.push(
      "Values in a URL are percent-encoded already; urlencode would encode them twice.",
    );
  }
  // "1" fits anywhere a value may stand (a port too), so only the literal text can make it fail.
  const sample = pieces.map((p) => ("char" in p ? p.char : "1")).join("");
  if (!URL.canParse(sample)) problems.push("Not a valid absolute URL.");
  return { problems, pieces };
}

/** Literal text split into characters, each with where it stands; placeholders likewise. */
function piecesOf(segments: Segment[]): Piece[] {
  const pieces: Piece[] = [];
  let position: Position = "authority";
  for (const [index, segment] of segments.entries()) {
    if (typeof segment !== "string") {
      pieces.push({ position, placeholder: segment });
      continue;
    }
    const scheme = index === 0 ? (SCHEME.exec(segment)?.[0] ?? "") : "";
    for (const char of scheme) pieces.push({ position, char });
    for (const char of segment.slice(scheme.length)) {
      position = nextPosition(position, char);
      pieces.push({ position, char });
    }
  }
  return pieces;
}

function nextPosition(position: Position, char: string): Position {
  if (char === "#") return "fragment";
  if (char === "?" && position !== "fragment") return "query";
  if (isSlash(char) && position === "authority") return "path";
  return position;
}

/** The URL parser reads a backslash as a slash in http(s) URLs. */
const isSlash = (char: string) => char === "/" || char === "\\";
