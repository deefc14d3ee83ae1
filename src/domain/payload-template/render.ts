import type { JsonValue } from "../../lib/types";
import { TemplateError } from "./errors";
import { applyFilter } from "./filters";
import { MAX_OUTPUT_BYTES } from "./limits";
import { resolvePath, type TemplateScope } from "./scope";
import type { Placeholder } from "./syntax";
import { ANY_FIELD, checkString, validateTemplate } from "./validate";
import { serialise, toText, type Value } from "./values";

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
  const budget = new Budget(MAX_OUTPUT_BYTES);
  const rendered = renderNode(template, [], scope, budget);
  const text = serialise(rendered, "");
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_OUTPUT_BYTES) {
    throw new TemplateError(
      "",
      `The rendered body is ${bytes} bytes; at most ${MAX_OUTPUT_BYTES}.`,
    );
  }
  return JSON.parse(text) as JsonValue;
}

function renderNode(
  node: JsonValue,
  path: (string | number)[],
  scope: TemplateScope,
  budget: Budget,
): Value {
  if (typeof node === "string") return renderString(node, path.join("."), scope, budget);
  if (Array.isArray(node))
    return node.map((child, i) => renderNode(child, [...path, i], scope, budget));
  if (node !== null && typeof node === "object") {
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => {
        budget.spend(key.length, path.join("."));
        return [key, renderNode(child, [...path, key], scope, budget)];
      }),
    );
  }
  return node;
}

function renderString(text: string, path: string, scope: TemplateScope, budget: Budget): Value {
  const { segments } = checkString(text, ANY_FIELD);
  const [only] = segments;
  if (segments.length === 1 && typeof only !== "string") {
    const value = evaluate(only, path, scope) ?? null;
    budget.spend(typeof value === "string" ? value.length : serialise(value, path).length, path);
    return value;
  }
  let out = "";
  for (const segment of segments) {
    const piece =
      typeof segment === "string" ? segment : toText(evaluate(segment, path, scope), path);
    budget.spend(piece.length, path);
    out += piece;
  }
  return out;
}

/** A placeholder's value: the path's, through each filter in turn, each result bounded. */
export function evaluate(placeholder: Placeholder, path: string, scope: TemplateScope): Value {
  let value = resolvePath(scope, placeholder.path);
  for (const call of placeholder.filters) {
    value = applyFilter(call, value, path);
    if (typeof value === "string" && value.length > MAX_OUTPUT_BYTES) {
      throw new TemplateError(
        path,
        `The filter "${call.name}" made ${value.length} characters; at most ${MAX_OUTPUT_BYTES}.`,
      );
    }
  }
  return value;
}

/**
 * Characters produced so far. Each stands for at least one byte of the serialised output, so
 * running over stops, before it is built, a body that could only fail the final check.
 */
export class Budget {
  private spent = 0;

  constructor(private readonly limit: number) {}

  spend(characters: number, path: string): void {
    this.spent += characters;
    if (this.spent > this.limit) {
      throw new TemplateError(path, `The rendering passed ${this.limit} characters.`);
    }
  }
}
