import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { allPages, api, send } from "../api";
import { useIdempotencyKey, useLoad, useSubmit } from "../hooks";
import { Checkbox, CheckboxGroup, Form, TextField } from "../ui/form";
import { Screen } from "../ui/screen";

/** Start an integration: its basic settings. The rest follows on its own screens. */
export function IntegrationNew() {
  const { route } = useLocation();
  const profiles = useLoad(
    () =>
      allPages((page) =>
        send(api().GET("/v1/profiles", { params: { query: { page, page_size: 200 } } })),
      ),
    [],
  );
  const [name, setName] = useState("");
  const [profileUids, setProfileUids] = useState<string[]>([]);
  const [apiAccess, setApiAccess] = useState(false);
  const [webhooks, setWebhooks] = useState(true);
  const idempotency = useIdempotencyKey();
  const create = useSubmit(async () => {
    const made = await send(
      api().POST("/v1/integrations", {
        params: { header: { "idempotency-key": idempotency.current() } },
        body: {
          name,
          profile_uids: profileUids,
          api_access: apiAccess,
          webhooks_enabled: webhooks,
        },
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
      <Form
        label="Basic settings"
        onSubmit={create.submit}
        problem={create.problem}
        onRetry={create.submit}
        paths={["name", "profile_uids", "api_access", "webhooks_enabled"]}
        pending={create.pending}
        submit="Create integration"
      >
        <TextField
          label="Name"
          name="name"
          value={name}
          onValue={setName}
          problem={create.problem}
          hint="What it connects to, e.g. CRM sync."
        />
        <CheckboxGroup
          legend="Profiles that use it"
          name="profile_uids"
          problem={create.problem}
          options={(profiles.data ?? []).map((p) => ({ value: p.uid, label: p.name }))}
          values={profileUids}
          onValues={setProfileUids}
          hint="Its key reads these profiles' events and attendees; it can be activated on them."
        />
        <Checkbox
          label="API access"
          name="api_access"
          checked={apiAccess}
          onChecked={setApiAccess}
          problem={create.problem}
          hint="Switch it on only when the other system reads through a key."
        />
        <Checkbox
          label="Webhooks"
          name="webhooks_enabled"
          checked={webhooks}
          onChecked={setWebhooks}
          problem={create.problem}
          hint="Off: none of its webhooks fire, wherever it is active."
        />
      </Form>
    </Screen>
  );
}
