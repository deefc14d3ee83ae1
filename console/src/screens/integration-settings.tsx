import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { allPages, api, type Schemas, send } from "../api";
import { useLoad, useSubmit } from "../hooks";
import { ConfirmButton } from "../ui/bits";
import { Checkbox, CheckboxGroup, Form, TextField } from "../ui/form";
import { Done, ProblemNotice } from "../ui/notice";
import { Section } from "../ui/screen";
import { IntegrationScreen, useIntegration } from "./integration-tabs";

/** Basic settings: name, linked profiles, the API access and webhooks switches. */
export function IntegrationSettings() {
  const { id } = useRoute().params;
  const integration = useIntegration(id);
  return (
    <IntegrationScreen id={id} part="Basic settings" integration={integration}>
      {(current) => <SettingsForm integration={current} onSaved={integration.set} />}
    </IntegrationScreen>
  );
}

function SettingsForm({
  integration,
  onSaved,
}: {
  integration: Schemas["Integration"];
  onSaved: (saved: { data: Schemas["Integration"] }) => void;
}) {
  const { route } = useLocation();
  const profiles = useLoad(
    () =>
      allPages((page) =>
        send(api().GET("/v1/profiles", { params: { query: { page, page_size: 200 } } })),
      ),
    [],
  );
  const [draft, setDraft] = useState(integration);
  useEffect(() => setDraft(integration), [integration]);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const result = await send(
      api().PATCH("/v1/integrations/{id}", {
        params: { path: { id: integration.id } },
        body: {
          name: draft.name,
          profile_uids: draft.profile_uids,
          api_access: draft.api_access,
          webhooks_enabled: draft.webhooks_enabled,
        },
      }),
    );
    setSaved(true);
    onSaved(result);
  });
  const remove = useSubmit(async () => {
    await send(api().DELETE("/v1/integrations/{id}", { params: { path: { id: integration.id } } }));
    route("/console/integrations");
  });
  const active = (profiles.data ?? []).filter((p) => p.active_integration_id === integration.id);
  return (
    <>
      {saved && <Done>Settings saved.</Done>}
      <Form
        label="Basic settings"
        onSubmit={save.submit}
        problem={save.problem}
        onRetry={save.submit}
        paths={["name", "profile_uids", "api_access", "webhooks_enabled"]}
        pending={save.pending}
        submit="Save settings"
      >
        <TextField
          label="Name"
          name="name"
          value={draft.name}
          onValue={(name) => setDraft({ ...draft, name })}
          problem={save.problem}
        />
        <CheckboxGroup
          legend="Profiles that use it"
          name="profile_uids"
          problem={save.problem}
          options={(profiles.data ?? []).map((p) => ({ value: p.uid, label: p.name }))}
          values={draft.profile_uids}
          onValues={(profile_uids) => setDraft({ ...draft, profile_uids })}
          hint="Its key reads these profiles' events and attendees. Unlinking a profile where it is active deactivates it there."
        />
        <Checkbox
          label="API access"
          name="api_access"
          checked={draft.api_access}
          onChecked={(api_access) => setDraft({ ...draft, api_access })}
          problem={save.problem}
          hint="Off: its keys are refused (403). Switch it on only when needed."
        />
        <Checkbox
          label="Webhooks"
          name="webhooks_enabled"
          checked={draft.webhooks_enabled}
          onChecked={(webhooks_enabled) => setDraft({ ...draft, webhooks_enabled })}
          problem={save.problem}
          hint="Off: none of its webhooks fire."
        />
      </Form>
      <Section title="Where it is active">
        {active.length === 0 ? (
          <p class="muted">
            Not active on any profile: its webhooks fire nowhere yet. Open a linked profile and
            activate it under Integrations.
          </p>
        ) : (
          <ul>
            {active.map((p) => (
              <li key={p.uid}>
                <a href={`/console/profiles/${p.uid}#integrations`}>{p.name}</a>
              </li>
            ))}
          </ul>
        )}
        <p class="muted small">
          ID <code>{integration.id}</code>
        </p>
      </Section>
      <Section title="Delete">
        {remove.problem && <ProblemNotice problem={remove.problem} onRetry={remove.submit} />}
        <ConfirmButton
          confirm="Delete this integration, its keys and webhooks?"
          pending={remove.pending}
          onConfirm={remove.submit}
        >
          Delete integration
        </ConfirmButton>
      </Section>
    </>
  );
}
