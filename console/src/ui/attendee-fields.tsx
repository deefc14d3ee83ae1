import type { Problem, Schemas } from "../api";
import { Checkbox, CheckboxGroup, SelectField, TextField } from "./form";

type FormField = Schemas["FormField"];
export type FieldValues = Record<string, unknown>;

const INPUT_TYPES: Partial<Record<FormField["type"], string>> = {
  email: "email",
  phone: "tel",
  number: "number",
  date: "date",
};

/**
 * The event's registration form as controls, one per field, named `fields.<name>` as the API
 * names them in its 422 details. Values are kept as the API takes them (numbers, booleans, lists).
 */
export function AttendeeFields({
  form,
  values,
  onValues,
  problem,
}: {
  form: readonly FormField[];
  values: FieldValues;
  onValues: (values: FieldValues) => void;
  problem?: Problem;
}) {
  const set = (name: string, value: unknown) => onValues({ ...values, [name]: value });
  return (
    <>
      {form.map((field) => {
        const name = `fields.${field.name}`;
        const label = `${field.label ?? field.name}${field.required ? " (required)" : ""}`;
        const hint = field.locked ? "Required by the active integration (locked)." : undefined;
        const value = values[field.name];
        if (field.type === "boolean") {
          return (
            <Checkbox
              key={field.name}
              label={label}
              name={name}
              hint={hint}
              problem={problem}
              checked={value === true}
              onChecked={(checked) => set(field.name, checked)}
            />
          );
        }
        if (field.type === "select") {
          return (
            <SelectField
              key={field.name}
              label={label}
              name={name}
              hint={hint}
              problem={problem}
              value={typeof value === "string" ? value : ""}
              onValue={(next) => set(field.name, next === "" ? null : next)}
              options={[{ value: "", label: "—" }, ...(field.options ?? [])]}
            />
          );
        }
        if (field.type === "multiselect") {
          return (
            <CheckboxGroup
              key={field.name}
              legend={label}
              name={name}
              hint={hint}
              problem={problem}
              options={field.options ?? []}
              values={Array.isArray(value) ? (value as string[]) : []}
              onValues={(next) => set(field.name, next)}
            />
          );
        }
        return (
          <TextField
            key={field.name}
            label={label}
            name={name}
            hint={hint ?? (field.type === "country" ? "Two letters, as BE or FR." : undefined)}
            problem={problem}
            type={INPUT_TYPES[field.type] ?? "text"}
            value={value === null || value === undefined ? "" : String(value)}
            onValue={(next) =>
              set(
                field.name,
                field.type === "number" && next !== "" && !Number.isNaN(Number(next))
                  ? Number(next)
                  : next,
              )
            }
          />
        );
      })}
    </>
  );
}

/** The paths these controls show errors for (an unknown field's error is the form's). */
export function formPaths(form: readonly FormField[]) {
  return form.map((field) => `fields.${field.name}`);
}

/** What a create sends: the values given (a blank text is not a value). */
export function filledValues(values: FieldValues): FieldValues {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, value]) => value !== "" && value !== null && value !== undefined,
    ),
  );
}

/** What a PATCH sends: every value, a blank one as null (which clears it). */
export function patchValues(values: FieldValues): FieldValues {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, value === "" ? null : value]),
  );
}
