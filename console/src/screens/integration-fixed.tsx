import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api, type Schemas, send } from "../api";
import { useSubmit } from "../hooks";
import { type FieldRow, FieldsEditor, fromRows, rowPaths, toRows } from "../ui/fields-editor";
import { Form } from "../ui/form";
import { Done } from "../ui/notice";
import { IntegrationScreen, useIntegration } from "./integration-tabs";

/**
 * Automatic configuration: the fixed fields every registration form of an event it applies to
 * must have, added locked (so the other system always gets structured data).
 */
export function IntegrationFixedConfiguration() {
  const { id } = useRoute().params;
  const integration = useIntegration(id);
  return (
    <IntegrationScreen id={id} part="Automatic configuration" integration={integration}>
      {(current) => <FixedForm integration={current} onSaved={integration.set} />}
    </IntegrationScreen>
  );
}

function FixedForm({
  integration,
  onSaved,
}: {
  integration: Schemas["Integration"];
  onSaved: (saved: { data: Schemas["Integration"] }) => void;
}) {
  const [rows, setRows] = useState<FieldRow[]>(() =>
    toRows(integration.fixed_configuration.fields),
  );
  useEffect(() => setRows(toRows(integration.fixed_configuration.fields)), [integration]);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const result = await send(
      api().PATCH("/v1/integrations/{id}", {
        params: { path: { id: integration.id } },
        body: { fixed_configuration: { fields: fromRows(rows, false) } },
      }),
    );
    setSaved(true);
    onSaved(result);
  });
  return (
    <>
      <p class="muted">
        While this integration is active on a profile (or set on an event), every event it applies
        to has these fields in its registration form, locked: organisers cannot remove or change
        them.
      </p>
      {saved && <Done>Automatic configuration saved; the forms it applies to follow.</Done>}
      <Form
        label="Automatic configuration"
        onSubmit={save.submit}
        problem={save.problem}
        onRetry={save.submit}
        paths={rowPaths("fixed_configuration.fields", rows)}
        pending={save.pending}
        submit="Save automatic configuration"
      >
        <FieldsEditor
          legend="Fixed fields"
          rows={rows}
          onRows={setRows}
          prefix="fixed_configuration.fields"
          problem={save.problem}
        />
      </Form>
    </>
  );
}
