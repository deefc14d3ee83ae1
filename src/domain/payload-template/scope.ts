import { isContainer, type Value } from "./values";

/** What a template can read: JSON values, typed `unknown` as applyMapping hands them over. */
export type TemplateScope = {
  /** The item the webhook is about: the mapped attendee, or the event for event triggers. */
  item: Readonly<Record<string, unknown>>;
  /** The event (for event triggers, the item again). */
  event: unknown;
  /** The trigger, e.g. "guest.create". */
  trigger: string;
  account: { id: string; name: string };
};

/**
 * Root names that always mean the scope's parts, even when the item has a key of the same name
 * (a form field called `event`, say): a template's `{{event.name}}` must not change meaning with
 * the mapping. Such an item key stays reachable as `item.event`.
 */
export const RESERVED_ROOTS = ["item", "event", "trigger", "account"] as const;

export function isReservedRoot(name: string): boolean {
  return (RESERVED_ROOTS as readonly string[]).includes(name);
}

/**
 * The value at `path` (`firstname`, `event.location.city`, `answers.0`), or undefined when it
 * leads nowhere. Own properties only, so `__proto__` or `constructor` never reach a prototype;
 * an array is read only by index (not `length`).
 */
export function resolvePath(scope: TemplateScope, path: readonly string[]): Value {
  const [root, ...rest] = path;
  let current: Value = isReservedRoot(root)
    ? scope[root as keyof TemplateScope]
    : ownValue(scope.item, root);
  for (const name of rest) current = ownValue(current, name);
  return current;
}

function ownValue(container: Value, name: string): Value {
  if (!isContainer(container)) return undefined;
  if (Array.isArray(container) && !/^(?:0|[1-9]\d*)$/.test(name)) return undefined;
  return Object.hasOwn(container, name) ? (container as Record<string, Value>)[name] : undefined;
}
