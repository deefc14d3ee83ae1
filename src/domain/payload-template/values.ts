import { TemplateError } from "./errors";

/**
 * What a path or a filter yields: a JSON value, or undefined for a path that leads nowhere.
 * Scope values are typed JsonValue but arrive from storage; nothing here trusts that.
 */
export type Value = unknown;

/** A value as text: strings as they are, null and missing as "", anything else as JSON. */
export function toText(value: Value, path: string): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return serialise(value, path);
}

/** JSON.stringify that fails only with a TemplateError (a cycle, a BigInt, too deep to walk). */
export function serialise(value: Value, path: string): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    throw new TemplateError(path, "A value could not be serialised as JSON.");
  }
}

/** The string with each lone surrogate replaced by U+FFFD, so encodeURIComponent cannot throw. */
export function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

export function isContainer(value: Value): value is object {
  return typeof value === "object" && value !== null;
}
