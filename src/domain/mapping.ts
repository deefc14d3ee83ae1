import type { JsonValue, MappingEntry } from "../lib/types";

/**
 * Field mapping (API.md §5). Pure: no database, no env. Which levels apply to an event is
 * decided in `routing.ts`.
 */

export type MappingMode = "merge" | "replace";

export type MappingLevels = {
  account: readonly MappingEntry[];
  integration: readonly MappingEntry[];
  profile: readonly MappingEntry[];
  /** The event override, if the event has one that applies. */
  override?: { fieldMapping: readonly MappingEntry[]; mappingMode: MappingMode } | null;
};

/**
 * account -> integration -> profile -> event override, merged by `name`: a later entry replaces
 * an earlier one in its position, new names are appended. `mappingMode: "replace"` on the
 * override drops everything inherited.
 */
export function effectiveMapping(levels: MappingLevels): MappingEntry[] {
  return mappingWithLevels(levels).map(({ entry }) => entry);
}

/** Where a mapping entry was set: the account, the integration, the profile or the event. */
export type MappingLevel = "account" | "integration" | "profile" | "event";

/** `effectiveMapping`, each entry with the level it came from (the effective configuration). */
export function mappingWithLevels(
  levels: MappingLevels,
): { entry: MappingEntry; level: MappingLevel }[] {
  const { override } = levels;
  if (override?.mappingMode === "replace") {
    return override.fieldMapping.map((entry) => ({ entry, level: "event" }));
  }
  const merged = new Map<string, { entry: MappingEntry; level: MappingLevel }>();
  const ordered: [MappingLevel, readonly MappingEntry[] | undefined][] = [
    ["account", levels.account],
    ["integration", levels.integration],
    ["profile", levels.profile],
    ["event", override?.fieldMapping],
  ];
  for (const [level, entries] of ordered) {
    // Map.set keeps the position of an existing key: replace in place, append the new.
    for (const entry of entries ?? []) merged.set(entry.name, { entry, level });
  }
  return [...merged.values()];
}

/**
 * The attendee as a mapped payload: an empty mapping gives a copy of the whole native attendee;
 * otherwise only the mapped keys, `mapped_to` read as a field name or dotted path (missing -> null),
 * `value` as given.
 */
export function applyMapping(
  attendee: Record<string, unknown>,
  mapping: readonly MappingEntry[],
): Record<string, unknown> {
  if (mapping.length === 0) return structuredClone(attendee);
  // Built key by key, not with Object.fromEntries: every mapped attendee of a page then shares one
  // object shape (mapping a page of 50 took a tenth of the time, measured in Node; issue 13).
  const payload: Record<string, unknown> = {};
  for (const entry of mapping) {
    const value = copyOf(
      "mapped_to" in entry ? (readPath(attendee, entry.mapped_to) ?? null) : entry.value,
    );
    setOwn(payload, entry.name, value);
  }
  return payload;
}

/** `target[name] = value` as an own property, even where `name` is "__proto__" (a plain key here). */
function setOwn(target: Record<string, unknown>, name: string, value: unknown) {
  if (name === "__proto__") {
    Object.defineProperty(target, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[name] = value;
  }
}

/** A payload shares nothing with the attendee or the mapping; primitives need no copy (a hot path). */
function copyOf<T>(value: T): T {
  return isContainer(value) ? structuredClone(value) : value;
}

/** The value at a field name or dotted path (`location.city`, `answers.0`); own properties only. */
export function readPath(source: unknown, path: string): JsonValue | undefined {
  if (isContainer(source) && Object.hasOwn(source, path)) {
    return (source as Record<string, JsonValue>)[path];
  }
  let current: unknown = source;
  for (const segment of path.split(".")) {
    if (!isContainer(current) || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current as JsonValue | undefined;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
