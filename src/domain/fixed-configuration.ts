import type { FormField } from "../lib/types";

/**
 * Fixed configuration (API.md §4): while an integration applies to an event, its fixed fields
 * are in the event's form, marked `locked`. Pure functions over forms.
 */

/**
 * The form with every fixed field in it, locked: a same-name field is replaced in place by the
 * fixed definition, a missing one is appended. Other fields are left as they are.
 */
export function withFixedFields(
  formFields: readonly FormField[],
  fixedFields: readonly Omit<FormField, "locked">[],
): FormField[] {
  const fixed = new Map(fixedFields.map((field) => [field.name, lockedCopy(field)]));
  const out = formFields.map((field) => {
    const replacement = fixed.get(field.name);
    if (!replacement) return field;
    fixed.delete(field.name);
    return replacement;
  });
  return [...out, ...fixed.values()];
}

/** The form with every field unlocked (the fields stay, as on deactivation). */
export function withoutLocks(formFields: readonly FormField[]): FormField[] {
  return formFields.map((field) => ({ ...field, locked: false }));
}

/**
 * The form as it must be when `integration` applies to the event (null: none applies):
 * previous locks are dropped, the integration's fixed fields added and locked.
 */
export function formUnder(
  formFields: readonly FormField[],
  integration: { fixedConfiguration: { fields: readonly Omit<FormField, "locked">[] } } | null,
): FormField[] {
  const unlocked = withoutLocks(formFields);
  return integration ? withFixedFields(unlocked, integration.fixedConfiguration.fields) : unlocked;
}

function lockedCopy(field: Omit<FormField, "locked">): FormField {
  const copy: FormField = {
    name: field.name,
    label: field.label,
    type: field.type,
    required: field.required,
    locked: true,
  };
  if (field.options) copy.options = field.options.map((o) => ({ ...o }));
  return copy;
}

/** Whether two forms are the same (so an unchanged event is not rewritten). */
export function sameForm(a: readonly FormField[], b: readonly FormField[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
