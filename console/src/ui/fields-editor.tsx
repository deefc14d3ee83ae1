import type { Problem, Schemas } from "../api";
import { FIELD_TYPES, optionsOf } from "../contract";
import { Badge } from "./bits";
import { Checkbox, detailFor, SelectField, TextArea, TextField } from "./form";
import { RowTools, updateRow } from "./rows";

type FieldInput = Schemas["FormFieldInput"];
export type FieldRow = {
  name: string;
  label: string;
  type: FieldInput["type"];
  required: boolean;
  /** "value=Label" per line, for select and multiselect. */
  options: string;
  locked: boolean;
};

export function toRows(
  fields: readonly Schemas["FormField"][] | readonly FieldInput[],
): FieldRow[] {
  return fields.map((field) => ({
    name: field.name,
    label: field.label ?? "",
    type: field.type,
    required: field.required ?? false,
    options: (field.options ?? []).map((o) => `${o.value}=${o.label}`).join("\n"),
    locked: "locked" in field ? (field.locked ?? false) : false,
  }));
}

/** The rows as the API takes them (a locked field is sent back locked, as it was). */
export function fromRows(
  rows: readonly FieldRow[],
  withLock: boolean,
): (FieldInput & { label: string })[] {
  return rows.map((row) => {
    const options = row.options
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const at = line.indexOf("=");
        return at < 0
          ? { value: line, label: line }
          : { value: line.slice(0, at).trim(), label: line.slice(at + 1).trim() };
      });
    return {
      name: row.name.trim(),
      // A label left empty is the name, as the API's default.
      label: row.label.trim() || row.name.trim(),
      type: row.type,
      required: row.required,
      ...(row.type === "select" || row.type === "multiselect" ? { options } : {}),
      ...(withLock && row.locked ? { locked: true } : {}),
    };
  });
}

/** The paths the editor shows errors for: each row's place, and its name (a locked field's). */
export function rowPaths(prefix: string, rows: readonly FieldRow[]) {
  return rows.flatMap((row, index) => [`${prefix}.${index}`, `${prefix}.${row.name}`]);
}

/**
 * A registration form (an event's, or an integration's fixed configuration) as editable rows.
 * Errors are shown on the row they name: `<prefix>.<index>` (validation) or `<prefix>.<name>`
 * (a locked field's conflict).
 */
export function FieldsEditor({
  rows,
  onRows,
  prefix,
  problem,
  legend,
}: {
  rows: FieldRow[];
  onRows: (rows: FieldRow[]) => void;
  prefix: string;
  problem?: Problem;
  legend: string;
}) {
  const update = (index: number, change: Partial<FieldRow>) =>
    onRows(updateRow(rows, index, change));
  return (
    <fieldset class="rows">
      <legend>{legend}</legend>
      <p class="hint">
        Names are the form's native field names: email, firstname, lastname, phone, job_title,
        cpy_name, free_field1…
      </p>
      {rows.map((row, index) => {
        const path = `${prefix}.${index}`;
        const byName = detailFor(problem, `${prefix}.${row.name}`);
        const title = row.name || `field ${index + 1}`;
        return (
          <fieldset class="row-card" key={index}>
            <legend class="row-head">
              Field <strong>{title}</strong> {row.locked && <Badge tone="warn">Locked</Badge>}
            </legend>
            <div>
              {row.locked && (
                <span class="muted small">
                  {" "}
                  Required by the active integration: only its label may change.
                </span>
              )}
            </div>
            <div class="grid">
              <TextField
                label="Name"
                name={`${path}.name`}
                problem={problem}
                value={row.name}
                onValue={(name) => update(index, { name })}
              />
              <TextField
                label="Label"
                name={`${path}.label`}
                problem={problem}
                value={row.label}
                onValue={(label) => update(index, { label })}
              />
              <SelectField
                label="Type"
                name={`${path}.type`}
                problem={problem}
                value={row.type}
                onValue={(type) => update(index, { type: type as FieldRow["type"] })}
                options={optionsOf(FIELD_TYPES)}
              />
              <Checkbox
                label="Required"
                name={`${path}.required`}
                problem={problem}
                checked={row.required}
                onChecked={(required) => update(index, { required })}
              />
            </div>
            {(row.type === "select" || row.type === "multiselect") && (
              <TextArea
                label="Options"
                name={`${path}.options`}
                problem={problem}
                rows={3}
                value={row.options}
                onValue={(options) => update(index, { options })}
                hint="One per line: value=Label."
              />
            )}
            {(detailFor(problem, `${path}.locked`) || byName) && (
              <p class="field-error">{[detailFor(problem, `${path}.locked`), byName].join(" ")}</p>
            )}
            <RowTools
              rows={rows}
              onRows={onRows}
              index={index}
              title={title}
              remove="Remove field"
            />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onRows([
            ...rows,
            { name: "", label: "", type: "text", required: false, options: "", locked: false },
          ])
        }
      >
        Add a field
      </button>
    </fieldset>
  );
}
