import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Problem, type Schemas, send } from "../api";
import { useSubmit } from "../hooks";
import { ConfirmButton } from "../ui/bits";
import { Checkbox, CheckboxGroup, Form, TextField } from "../ui/form";
import { Done, ProblemNotice } from "../ui/notice";
import { Section } from "../ui/screen";
import { IntegrationScreen, useIntegration } from "./integration-tabs";
import { useAllProfiles } from "./profile";

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
  const profiles = useAllProfiles();
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
        paths={BASIC_PATHS}
        pending={save.pending}
        submit="Save settings"
      >
        <BasicSettingsFields
          value={draft}
          onValue={(change) => setDraft({ ...draft, ...change })}
          profiles={profiles.data ?? []}
          problem={save.problem}
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

export type BasicSettings = Pick<
  Schemas["Integration"],
  "name" | "profile_uids" | "api_access" | "webhooks_enabled"
>;

export const BASIC_PATHS = ["name", "profile_uids", "api_access", "webhooks_enabled"];

/** "Basic settings" as the guide names them: name, profiles, API access, webhooks. */
export function BasicSettingsFields({
  value,
  onValue,
  profiles,
  problem,
  namePlaceholder,
}: {
  value: BasicSettings;
  onValue: (change: Partial<BasicSettings>) => void;
  profiles: readonly Schemas["Profile"][];
  problem?: Problem;
  /** A template's name, which an empty name takes. */
  namePlaceholder?: string;
}) {
  return (
    <>
      <TextField
        label="Name"
        name="name"
        value={value.name}
        onValue={(name) => onValue({ name })}
        problem={problem}
        placeholder={namePlaceholder}
        hint={
          namePlaceholder ? `Empty: ${namePlaceholder}.` : "What it connects to, e.g. CRM sync."
        }
      />
      <CheckboxGroup
        legend="Profiles that use it"
        name="profile_uids"
        problem={problem}
        options={profiles.map((p) => ({ value: p.uid, label: p.name }))}
        values={value.profile_uids}
        onValues={(profile_uids) => onValue({ profile_uids })}
        hint="Its keys read these profiles' events and attendees, and it can be activated on them. Unlinking a profile where it is active deactivates it there."
      />
      <Checkbox
        label="API access"
        name="api_access"
        checked={value.api_access}
        onChecked={(api_access) => onValue({ api_access })}
        problem={problem}
        hint="Off: its keys are refused (403). Switch it on only when the other system reads through a key."
      />
      <Checkbox
        label="Webhooks"
        name="webhooks_enabled"
        checked={value.webhooks_enabled}
        onChecked={(webhooks_enabled) => onValue({ webhooks_enabled })}
        problem={problem}
        hint="Off: none of its webhooks fire, wherever it is active."
      />
    </>
  );
}
