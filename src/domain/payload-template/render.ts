import type { JsonValue } from "../../lib/types";
import { TemplateError } from "./errors";
import { applyFilter } from "./filters";
import { MAX_FILTER_WORK, MAX_OUTPUT_BYTES } from "./limits";
import { resolvePath, type TemplateScope } from "./scope";
import type { Placeholder } from "./syntax";
import { ANY_FIELD, checkString, validateTemplate } from "./validate";
import { serialise, toText, utf8Length, type Value } from "./values";

/**
 * The body a template makes from a scope. A string that is exactly one placeholder becomes the
 * value itself (`"{{capacity}}"` stays a number, a missing field becomes null); any other string
 * is text with each placeholder's value as text (null and missing as "", arrays and objects as
 * JSON). Object keys are copied as they are.
 *
 * Checks the template first as validateTemplate does (except which fields exist), so a template
 * stored before a rule changed fails here with a TemplateError, never with anything else. The
 * result is plain JSON that shares nothing with the scope, at most MAX_OUTPUT_BYTES serialised,
 * and the same for the same input: no clock, no randomness, no locale.
 */
export function renderTemplate(template: JsonValue, scope: TemplateScope): JsonValue {
  const [problem] = validateTemplate(template, ANY_FIELD);
  if (problem) throw new TemplateError(problem.path, problem.message);
  const output = new Budget(MAX_OUTPUT_BYTES, "The rendered body");
  const rendered = renderNode(template, [], { scope, output, work: filterWork() });
  const text = serialise(rendered, "");
  const bytes = utf8Length(text);
  if (bytes > MAX_OUTPUT_BYTES) {
    throw new TemplateError(
      "",
      `The rendered body is ${bytes} bytes; at most ${MAX_OUTPUT_BYTES}.`,
    );
  }
  return JSON.parse(text) as JsonValue;
}

type Rendering = { scope: TemplateScope; output: Budget; work: Budget };

function renderNode(node: JsonValue, path: (string | number)[], rendering: Rendering): Value {
  if (typeof node === "string") return renderString(node, path.join("."), rendering);
  if (Array.isArray(node))
    return node.map((child, i) => renderNode(child, [...path, i], rendering));
  if (node !== null && typeof node === "object") {
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => {
        rendering.output.spend(key.length, path.join("."));
        return [key, renderNode(child, [...path, key], rendering)];
      }),
    );
  }
  return node;
}

function renderString(text: string, path: string, { scope, output, work }: Rendering): Value {
  const { segments } = checkString(text, ANY_FIELD);
  const [only] = segments;
  if (segments.length === 1 && typeof only !== "string") {
    const value = evaluate(only, path, scope, work) ?? null;
    output.spend(typeof value === "string" ? value.length : serialise(value, path).length, path);
    return value;
  }
  let out = "";
  for (const segment of segments) {
    const piece =
      typeof segment === "string" ? segment : toText(evaluate(segment, path, scope, work), path);
    output.spend(piece.length, path);
    out += piece;
  }
  return out;
}

/**
 * A placeholder's value: the path's, through each filter in turn. Text going into and coming out
 * of each filter counts against `work`; text going in is counted first, so a long field is refused
 * before it is hashed.
 */
export function evaluate(
  placeholder: Placeholder,
  path: string,
  scope: TemplateScope,
  work: Budget,
): Value {
  let value = resolvePath(scope, placeholder.path);
  for (const call of placeholder.filters) {
    if (typeof value === "string") work.spend(value.length, path);
    value = applyFilter(call, value, path);
    if (typeof value === "string") work.spend(value.length, path);
  }
  return value;
}

export const filterWork = () => new Budget(MAX_FILTER_WORK, "What the filters read and wrote");

/**
 * Characters counted against a limit. For the output each character stands for at least one byte
 * of the serialised body, so running over stops, before it is built, a body that could only fail
 * the final check.
 */
export class Budget {
  private spent = 0;

  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {}

  spend(characters: number, path: string): void {
    this.spent += characters;
    if (this.spent > this.limit) {
      throw new TemplateError(path, `${this.what} passed ${this.limit} characters.`);
    }
  }
}
