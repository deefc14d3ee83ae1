import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, type Schemas, send } from "../api";
import { useIdempotencyKey, useLoad, useSubmit } from "../hooks";
import { Form, SelectField, TextField } from "../ui/form";
import { Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";
import { BASIC_PATHS, type BasicSettings, BasicSettingsFields } from "./integration-settings";
import { useAllProfiles } from "./profile";

type Template = Schemas["IntegrationTemplate"];
type TemplateId = NonNullable<Schemas["CreateIntegration"]["template"]>;

/**
 * Start an integration, blank or from the catalogue of native ones (`?template=`): its basic
 * settings, and a template's parameters. The rest follows on the integration's own screens.
 */
export function IntegrationNew() {
  const { query, route } = useLocation();
  const templateId = query.template as TemplateId | undefined;
  const catalogue = useLoad(
    () => send(api().GET("/v1/integration-templates", { params: { query: { page_size: 200 } } })),
    [],
  );
  const template = catalogue.data?.data.find((t) => t.id === templateId);
  const profiles = useAllProfiles();
  const [basics, setBasics] = useState<BasicSettings>({
    name: "",
    profile_uids: [],
    api_access: false,
    webhooks_enabled: true,
  });
  const [params, setParams] = useState<Record<string, string>>({});
  useEffect(() => {
    setParams(
      Object.fromEntries((template?.params ?? []).map((p) => [p.name, p.schema.default ?? ""])),
    );
  }, [template]);
  const idempotency = useIdempotencyKey();
  const create = useSubmit(async () => {
    const given = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== ""));
    const { name, ...rest } = basics;
    const made = await send(
      api().POST("/v1/integrations", {
        params: { header: { "idempotency-key": idempotency.current() } },
        body: template
          ? { ...rest, ...(name ? { name } : {}), template: templateId, params: given }
          : basics,
      }),
    );
    idempotency.renew();
    route(`/console/integrations/${made.data.id}`);
  });
  return (
    <Screen
      title="Start an integration"
      crumbs={[{ href: "/console/integrations", label: "Integrations" }]}
    >
      <Section
        title="Start from"
        hint="A custom integration starts empty; a native one comes with its webhooks, their payloads and its mapping, and is edited like any other afterwards."
      >
        {catalogue.problem && (
          <ProblemNotice problem={catalogue.problem} onRetry={catalogue.reload} />
        )}
        <ul class="choices">
          <li>
            <a href="/console/integrations/new" aria-current={templateId ? undefined : "page"}>
              <strong>Custom integration</strong>
            </a>
            <span class="muted small"> Your own webhooks, mapping and keys.</span>
          </li>
          {catalogue.data?.data.map((t) => (
            <li key={t.id}>
              <a
                href={`/console/integrations/new?template=${t.id}`}
                aria-current={t.id === templateId ? "page" : undefined}
              >
                <strong>{t.name}</strong>
              </a>
              <span class="muted small"> {prose(t.description)}</span>
            </li>
          ))}
        </ul>
      </Section>
      {templateId && !template && !catalogue.problem && <Loading what="Loading the template" />}
      {template && <TemplateSummary template={template} />}
      <Form
        label="Basic settings"
        onSubmit={create.submit}
        problem={create.problem}
        onRetry={create.submit}
        paths={[...BASIC_PATHS, ...(template?.params ?? []).map((p) => `params.${p.name}`)]}
        pending={create.pending}
        submit={template ? `Create from ${template.name}` : "Create integration"}
      >
        {template?.params.map((param) => (
          <TemplateParam
            key={param.name}
            param={param}
            value={params[param.name] ?? ""}
            onValue={(value) => setParams({ ...params, [param.name]: value })}
            problem={create.problem}
          />
        ))}
        <BasicSettingsFields
          value={basics}
          onValue={(change) => setBasics({ ...basics, ...change })}
          profiles={profiles.data ?? []}
          problem={create.problem}
          namePlaceholder={template?.name}
        />
      </Form>
    </Screen>
  );
}

function TemplateSummary({ template }: { template: Template }) {
  const { webhooks, field_mapping, fixed_configuration } = template.creates;
  return (
    <Section title={`${template.name}: what it creates`} hint={prose(template.description)}>
      <ul>
        {webhooks.map((webhook) => (
          <li key={webhook.name}>
            Webhook “{webhook.name}” on <code>{webhook.trigger}</code> ({webhook.method}
            {webhook.secret_url ? ", secret URL" : ""})
          </li>
        ))}
        {field_mapping.length > 0 && <li>A field mapping of {field_mapping.length} entries</li>}
        {fixed_configuration.fields.length > 0 && (
          <li>Fixed fields: {fixed_configuration.fields.map((f) => f.name).join(", ")}</li>
        )}
      </ul>
      <p class="muted small">
        The request it makes is documented by the service:{" "}
        <a href={template.documentation_url} target="_blank" rel="noreferrer noopener">
          {template.documentation_url}
        </a>
      </p>
    </Section>
  );
}

/** One parameter of a template, as its JSON Schema describes it (a secret one is typed hidden). */
function TemplateParam({
  param,
  value,
  onValue,
  problem,
}: {
  param: Schemas["IntegrationTemplateParam"];
  value: string;
  onValue: (value: string) => void;
  problem?: Parameters<typeof TextField>[0]["problem"];
}) {
  const label = `${param.name}${param.required ? " (required)" : ""}`;
  const example = param.schema.examples[0];
  const hint = (
    <>
      {prose(param.description)}
      {example && (
        <>
          {" "}
          E.g. <code>{example}</code>
        </>
      )}
    </>
  );
  if (param.schema.enum) {
    return (
      <SelectField
        label={label}
        name={`params.${param.name}`}
        value={value}
        onValue={onValue}
        options={param.schema.enum.map((v) => ({ value: v, label: v }))}
        problem={problem}
        hint={prose(param.description)}
      />
    );
  }
  return (
    <TextField
      label={label}
      name={`params.${param.name}`}
      type={param.secret ? "password" : param.type === "url" ? "url" : "text"}
      autoComplete="off"
      value={value}
      onValue={onValue}
      problem={problem}
      hint={hint}
    />
  );
}

/** A catalogue text, whose `backticked` words are code (names and values of the service's API). */
function prose(text: string) {
  return text.split("`").map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part));
}
