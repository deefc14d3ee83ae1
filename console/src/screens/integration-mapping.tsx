import { useRoute } from "preact-iso";
import { api, send } from "../api";
import { MappingLevel } from "../ui/mapping-level";
import { IntegrationTabs, useIntegration } from "./integration-tabs";

/** The integration level of the field mapping, previewed as this integration sees attendees. */
export function IntegrationMapping() {
  const { id } = useRoute().params;
  const integration = useIntegration(id);
  const name = integration.data?.data.name;
  return (
    <MappingLevel
      level="integration"
      title={name ? `${name}: Field mapping` : "Field mapping"}
      crumbs={[{ href: "/console/integrations", label: "Integrations" }]}
      tabs={<IntegrationTabs id={id} />}
      hint="Shapes the attendee for the other system, after the account's entries and before each profile's and event's. Empty at every level: the whole native attendee is sent."
      load={async () =>
        (await send(api().GET("/v1/integrations/{id}", { params: { path: { id } } }))).data
          .field_mapping
      }
      save={async (field_mapping) => {
        const saved = await send(
          api().PATCH("/v1/integrations/{id}", {
            params: { path: { id } },
            body: { field_mapping },
          }),
        );
        integration.set(saved);
        return saved.data.field_mapping;
      }}
      integrationId={id}
      deps={[id]}
    />
  );
}
