import { useEffect, useState } from "preact/hooks";
import type { Schemas } from "../api";
import { useLoad, useSubmit } from "../hooks";
import { Form } from "./form";
import {
  fromMappingRows,
  MappingEditor,
  type MappingRow,
  mappingPaths,
  toMappingRows,
} from "./mapping-editor";
import { MappingPreview } from "./mapping-preview";
import { Done, Loading, ProblemNotice } from "./notice";
import { type Crumb, Screen } from "./screen";

type Entry = Schemas["MappingEntry"];

/**
 * The field mapping screen of one level (account, integration, profile): the editor, and beside
 * it the live preview of a real attendee with the rows being edited.
 */
export function MappingLevel({
  level,
  title,
  crumbs,
  hint,
  load,
  save,
  integrations,
  integrationId,
  defaultIntegration,
  fields,
  deps,
  tabs,
}: {
  level: "account" | "integration" | "profile";
  title: string;
  crumbs: Crumb[];
  hint: string;
  load: () => Promise<Entry[]>;
  save: (entries: Entry[]) => Promise<Entry[]>;
  integrations?: readonly { id: string; name: string }[];
  integrationId?: string;
  defaultIntegration?: string;
  fields?: readonly string[];
  deps: readonly unknown[];
  tabs?: preact.ComponentChildren;
}) {
  const stored = useLoad(load, deps);
  const [rows, setRows] = useState<MappingRow[]>();
  useEffect(() => {
    if (stored.data) setRows(toMappingRows(stored.data));
  }, [stored.data]);
  const [saved, setSaved] = useState(false);
  const saving = useSubmit(async (entries: Entry[]) => {
    setSaved(false);
    setRows(toMappingRows(await save(entries)));
    setSaved(true);
  });
  const ordered = defaultIntegration
    ? [...(integrations ?? [])].sort(
        (a, b) => Number(b.id === defaultIntegration) - Number(a.id === defaultIntegration),
      )
    : integrations;
  return (
    <Screen title={title} crumbs={crumbs}>
      {tabs}
      <p class="muted">{hint}</p>
      {stored.problem && <ProblemNotice problem={stored.problem} onRetry={stored.reload} />}
      {!rows && !stored.problem && <Loading />}
      {rows && (
        <div class="with-preview">
          <div>
            {saved && <Done>Mapping saved.</Done>}
            <Form
              label={`Field mapping, ${level} level`}
              onSubmit={() => saving.submit(fromMappingRows(rows))}
              problem={saving.problem}
              onRetry={() => saving.submit(fromMappingRows(rows))}
              paths={mappingPaths("field_mapping", rows)}
              pending={saving.pending}
              submit="Save mapping"
            >
              <MappingEditor
                legend="Entries, in output order"
                rows={rows}
                onRows={(next) => {
                  setSaved(false);
                  setRows(next);
                }}
                problem={saving.problem}
                fields={fields}
              />
            </Form>
          </div>
          <MappingPreview
            level={level}
            draft={fromMappingRows(rows)}
            integrationId={integrationId}
            integrations={ordered}
          />
        </div>
      )}
    </Screen>
  );
}
