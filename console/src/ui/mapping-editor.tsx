import { api, type Problem, type Schemas, send } from "../api";
import { useLoad } from "../hooks";
import { detailFor, SelectField, TextField } from "./form";
import { RowTools, updateRow } from "./rows";

type Entry = Schemas["MappingEntry"];
type FixedValue = Extract<Entry, { value: unknown }>["value"];
export type MappingRow = { name: string; kind: "mapped_to" | "value"; source: string };

/**
 * The native fields to offer when typing a `mapped_to`: the keys of the newest real attendee (of
 * the event, where there is one), as the API sends them; no list of ours to keep in step.
 */
function useNativeFields(eventUid?: string) {
  const newest = useLoad(
    async () =>
      (
        await send(
          api().GET("/v1/attendees", {
            params: {
              query: {
                page_size: 1,
                sort: "-created_at",
                ...(eventUid ? { event_uid: eventUid } : {}),
              },
            },
          }),
        )
      ).data,
    [eventUid],
  );
  return Object.keys(newest.data?.[0] ?? {});
}

export function toMappingRows(entries: readonly Entry[]): MappingRow[] {
  return entries.map((entry) =>
    "mapped_to" in entry
      ? { name: entry.name, kind: "mapped_to", source: entry.mapped_to }
      : { name: entry.name, kind: "value", source: JSON.stringify(entry.value) },
  );
}

/** A fixed value is JSON when it reads as JSON (123, true, null, ["a"]), else the text itself. */
function fixedValue(text: string): FixedValue {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function fromMappingRows(rows: readonly MappingRow[]): Entry[] {
  return rows.map((row) =>
    row.kind === "mapped_to"
      ? { name: row.name, mapped_to: row.source }
      : { name: row.name, value: fixedValue(row.source) },
  );
}

/** The paths the editor shows errors for: each row's. */
export function mappingPaths(prefix: string, rows: readonly MappingRow[]) {
  return rows.map((_, index) => `${prefix}.${index}`);
}

/**
 * A field mapping as rows: the key in the output, then a native field (or dotted path) or a fixed
 * value. Errors show on the row whose path the API names (`<prefix>.<index>.name`).
 */
export function MappingEditor({
  rows,
  onRows,
  prefix = "field_mapping",
  problem,
  fields = [],
  eventUid,
  legend,
}: {
  rows: MappingRow[];
  onRows: (rows: MappingRow[]) => void;
  prefix?: string;
  problem?: Problem;
  /** Form field names to offer besides a real attendee's keys. */
  fields?: readonly string[];
  /** Whose attendees to take the native field names from. */
  eventUid?: string;
  legend: string;
}) {
  const listId = `${prefix.replace(/\W/g, "-")}-native-fields`;
  const native = useNativeFields(eventUid);
  const update = (index: number, change: Partial<MappingRow>) =>
    onRows(updateRow(rows, index, change));
  const rowError = (index: number) => detailFor(problem, `${prefix}.${index}`);
  return (
    <fieldset class="rows">
      <legend>{legend}</legend>
      <datalist id={listId}>
        {[...new Set([...native, ...fields])].map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {rows.length === 0 && (
        <p class="muted">No entries at this level: it adds nothing to the levels above it.</p>
      )}
      {rows.map((row, index) => {
        const path = `${prefix}.${index}`;
        const title = row.name || `entry ${index + 1}`;
        const error = rowError(index);
        return (
          <fieldset class="row-card" key={index}>
            <legend class="sr-only">Mapping entry {title}</legend>
            <div class="grid">
              <TextField
                label="Output key"
                name={`${path}.name`}
                problem={problem}
                value={row.name}
                onValue={(name) => update(index, { name })}
              />
              <SelectField
                label="Takes"
                name={`${path}.kind`}
                value={row.kind}
                onValue={(kind) => update(index, { kind: kind as MappingRow["kind"] })}
                options={[
                  { value: "mapped_to", label: "a native field" },
                  { value: "value", label: "a fixed value" },
                ]}
              />
              {row.kind === "mapped_to" ? (
                <TextField
                  label="Native field"
                  name={`${path}.mapped_to`}
                  problem={problem}
                  list={listId}
                  value={row.source}
                  onValue={(source) => update(index, { source })}
                  hint="A field name or a dotted path (location.city)."
                />
              ) : (
                <TextField
                  label="Fixed value"
                  name={`${path}.value`}
                  problem={problem}
                  value={row.source}
                  onValue={(source) => update(index, { source })}
                  hint="Text, or JSON (123, true, null, [1, 2])."
                />
              )}
            </div>
            {error &&
              !detailFor(problem, `${path}.name`) &&
              !detailFor(problem, `${path}.mapped_to`) && <p class="field-error">{error}</p>}
            <RowTools rows={rows} onRows={onRows} index={index} title={title} />
          </fieldset>
        );
      })}
      <button
        type="button"
        onClick={() => onRows([...rows, { name: "", kind: "mapped_to", source: "" }])}
      >
        Add an entry
      </button>
    </fieldset>
  );
}
