import type { TemplateProblem } from "./errors";
import { filterCallProblem } from "./filters";
import { MAX_PLACEHOLDERS, MAX_PROBLEMS, MAX_TEMPLATE_BYTES, MAX_TEMPLATE_DEPTH } from "./limits";
import { isReservedRoot } from "./scope";
import { type Placeholder, parseTemplateString, type Segment } from "./syntax";
import { utf8Length } from "./values";

export type ValidateOptions = {
  /**
   * Whether a root name (the first part of a path, not a reserved root) is a field the item can
   * have: an attendee field or mapped name, or an event field. Only roots are checked.
   */
  isKnownField: (root: string) => boolean;
};

/** For rendering, which checks everything but which fields exist (a missing one renders empty). */
export const ANY_FIELD: ValidateOptions = { isKnownField: () => true };

/**
 * Everything wrong with a body template, at most MAX_PROBLEMS, [] when it can be saved: not a
 * JSON value, too deep, too large, too many placeholders, bad syntax, unknown filter or wrong
 * filter arguments, unknown field. Object keys are copied as they are, never rendered.
 */
export function validateTemplate(template: unknown, options: ValidateOptions): TemplateProblem[] {
  const structure = structureProblem(template, [], 1);
  if (structure) return [structure];
  const bytes = utf8Length(JSON.stringify(template));
  if (bytes > MAX_TEMPLATE_BYTES) {
    return [
      {
        path: "",
        message: `The template is ${bytes} bytes as JSON; at most ${MAX_TEMPLATE_BYTES}.`,
      },
    ];
  }
  const problems: TemplateProblem[] = [];
  let placeholders = 0;
  for (const [path, text] of stringsOf(template, [])) {
    const checked = checkString(text, options);
    placeholders += checked.segments.filter((s) => typeof s !== "string").length;
    for (const message of checked.problems) problems.push({ path: path.join("."), message });
  }
  if (placeholders > MAX_PLACEHOLDERS) {
    problems.unshift({
      path: "",
      message: `The template has ${placeholders} placeholders; at most ${MAX_PLACEHOLDERS}.`,
    });
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/** One template string: its segments, and what is wrong with them (syntax stops at the first). */
export function checkString(
  text: string,
  options: ValidateOptions,
): { segments: Segment[]; problems: string[] } {
  const parsed = parseTemplateString(text);
  if (!parsed.ok) return { segments: [], problems: [parsed.message] };
  const problems = parsed.segments
    .filter((segment): segment is Placeholder => typeof segment !== "string")
    .flatMap((placeholder) => placeholderProblems(placeholder, options));
  return { segments: parsed.segments, problems };
}

function placeholderProblems(placeholder: Placeholder, options: ValidateOptions): string[] {
  const problems: string[] = [];
  const root = placeholder.path[0];
  if (!isReservedRoot(root) && !options.isKnownField(root)) {
    problems.push(`Unknown field "${root}".`);
  }
  for (const call of placeholder.filters) {
    const problem = filterCallProblem(call);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

type Path = (string | number)[];

/**
 * The first entry that is not JSON (undefined, a function, NaN, a class instance) or nests
 * deeper than MAX_TEMPLATE_DEPTH. Recursion stops there, so a cycle or a very deep value is
 * refused without exhausting the stack.
 */
function structureProblem(node: unknown, path: Path, depth: number): TemplateProblem | null {
  const at = path.join(".");
  if (node === null || typeof node === "string" || typeof node === "boolean") return null;
  if (typeof node === "number") {
    return Number.isFinite(node) ? null : { path: at, message: "Numbers must be finite." };
  }
  const plain =
    Array.isArray(node) ||
    (typeof node === "object" &&
      [Object.prototype, null].includes(Object.getPrototypeOf(node) as object | null));
  if (!plain) return { path: at, message: "Not a JSON value." };
  if (depth > MAX_TEMPLATE_DEPTH) {
    return { path: at, message: `Nested deeper than ${MAX_TEMPLATE_DEPTH} levels.` };
  }
  for (const [key, child] of Object.entries(node)) {
    const problem = structureProblem(
      child,
      [...path, Array.isArray(node) ? Number(key) : key],
      depth + 1,
    );
    if (problem) return problem;
  }
  return null;
}

/** Every string value in a JSON template, with its path. */
function* stringsOf(node: unknown, path: Path): Generator<[Path, string]> {
  if (typeof node === "string") yield [path, node];
  else if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* stringsOf(child, [...path, i]);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, child] of Object.entries(node)) yield* stringsOf(child, [...path, key]);
  }
}
