import { api, send } from "../api";
import { MappingLevel } from "../ui/mapping-level";
import { useIntegrations } from "./profile";

/** The account level of the field mapping: the first level, under every integration's. */
export function AccountMapping() {
  const integrations = useIntegrations();
  return (
    <MappingLevel
      level="account"
      title="Field mapping: account"
      crumbs={[]}
      hint="The first level: every integration's attendees start from these entries; the integration, the profile and the event can replace or add to them."
      load={async () => (await send(api().GET("/v1/account/field-mapping"))).data.field_mapping}
      save={async (field_mapping) =>
        (await send(api().PUT("/v1/account/field-mapping", { body: { field_mapping } }))).data
          .field_mapping
      }
      integrations={integrations.data ?? []}
      deps={[]}
    />
  );
}
