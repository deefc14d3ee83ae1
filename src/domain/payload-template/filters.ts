import { formatDate } from "./date";
import { TemplateError } from "./errors";
import { md5Hex, sha256Hex } from "./hash";
import type { FilterCall, Literal } from "./syntax";
import { serialise, toText, type Value, wellFormed } from "./values";

/**
 * The closed set of filters. Each takes the value so far and literal arguments and never fails
 * on the value: text filters read null and missing as "", so a field that is empty for one
 * attendee does not fail that attendee's delivery.
 */
type Filter = {
  /** What each argument must be; `any` is any literal. */
  args: readonly ("string" | "any")[];
  apply: (value: Value, args: readonly Literal[], path: string) => Value;
};

const FILTERS = new Map<string, Filter>([
  ["lower", { args: [], apply: (v, _, path) => toText(v, path).toLowerCase() }],
  ["upper", { args: [], apply: (v, _, path) => toText(v, path).toUpperCase() }],
  ["trim", { args: [], apply: (v, _, path) => toText(v, path).trim() }],
  // Missing, null and "" count as empty: a blank form answer falls back like a missing one.
  ["default", { args: ["any"], apply: (v, [fallback]) => (v == null || v === "" ? fallback : v) }],
  ["date", { args: ["string"], apply: (v, [format]) => formatDate(v, format as string) }],
  [
    "join",
    {
      args: ["string"],
      apply: (v, [separator], path) =>
        Array.isArray(v)
          ? v.map((element) => toText(element, path)).join(separator as string)
          : toText(v, path),
    },
  ],
  ["md5", { args: [], apply: (v, _, path) => md5Hex(toText(v, path)) }],
  ["sha256", { args: [], apply: (v, _, path) => sha256Hex(toText(v, path)) }],
  ["json", { args: [], apply: (v, _, path) => serialise(v, path) }],
  [
    "urlencode",
    { args: [], apply: (v, _, path) => encodeURIComponent(wellFormed(toText(v, path))) },
  ],
]);

export const FILTER_NAMES: readonly string[] = [...FILTERS.keys()];

/** Why a filter call is wrong (unknown name, wrong arguments), or null when it is fine. */
export function filterCallProblem(call: FilterCall): string | null {
  const filter = FILTERS.get(call.name);
  if (!filter) {
    return `Unknown filter "${call.name}"; the filters are ${FILTER_NAMES.join(", ")}.`;
  }
  const expected = filter.args;
  if (call.args.length !== expected.length) {
    const wanted =
      expected.length === 0
        ? "no arguments"
        : `${expected.length} argument (${expected[0] === "string" ? "a string" : "a literal"})`;
    return `The filter "${call.name}" takes ${wanted}, got ${call.args.length}.`;
  }
  const wrong = expected.findIndex(
    (kind, i) => kind === "string" && typeof call.args[i] !== "string",
  );
  if (wrong !== -1) return `The filter "${call.name}" takes a string in double quotes.`;
  return null;
}

/** Applies a call; one that filterCallProblem refuses fails with its reason. */
export function applyFilter(call: FilterCall, value: Value, path: string): Value {
  const problem = filterCallProblem(call);
  if (problem !== null) throw new TemplateError(path, problem);
  return (FILTERS.get(call.name) as Filter).apply(value, call.args, path);
}
