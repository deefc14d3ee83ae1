import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, send } from "../api";
import { useIdempotencyKey, useSubmit } from "../hooks";
import { Form } from "../ui/form";
import { Screen } from "../ui/screen";
import { BASIC_PATHS, type BasicSettings, BasicSettingsFields } from "./integration-settings";
import { useAllProfiles } from "./profile";

/** Start an integration: its basic settings. The rest follows on its own screens. */
export function IntegrationNew() {
  const { route } = useLocation();
  const profiles = useAllProfiles();
  const [basics, setBasics] = useState<BasicSettings>({
    name: "",
    profile_uids: [],
    api_access: false,
    webhooks_enabled: true,
  });
  const idempotency = useIdempotencyKey();
  const create = useSubmit(async () => {
    const made = await send(
      api().POST("/v1/integrations", {
        params: { header: { "idempotency-key": idempotency.current() } },
        body: basics,
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
        paths={BASIC_PATHS}
        pending={create.pending}
        submit="Create integration"
      >
        <BasicSettingsFields
          value={basics}
          onValue={(change) => setBasics({ ...basics, ...change })}
          profiles={profiles.data ?? []}
          problem={create.problem}
        />
      </Form>
    </Screen>
  );
}
