import { useRoute } from "preact-iso";
import { allPages, api, type Schemas, send } from "../api";
import { useLoad } from "../hooks";
import { TableBox } from "../ui/bits";
import { Loading, ProblemNotice } from "../ui/notice";
import { Section } from "../ui/screen";
import { IntegrationScreen, useIntegration } from "./integration-tabs";
import { TRIGGERS, WebhookState } from "./webhook";

const ABOUT: Record<(typeof TRIGGERS)[number], string> = {
  "event.create": "An event is created.",
  "event.update": "An event changes.",
  "event.delete": "An event is deleted (its last state is sent).",
  "event.manual": "An organiser presses the button on the event's page (labelled with the name).",
  "guest.create": "An attendee registers.",
  "guest.update": "An attendee changes (and on payment, where the event asks for it).",
  "guest.delete": "An attendee is deleted (its last state is sent).",
  "guest.manual": "An organiser presses the button on an attendee's page (labelled with the name).",
};

/** The integration's webhooks, per trigger. */
export function Webhooks() {
  const { id } = useRoute().params;
  const integration = useIntegration(id);
  const webhooks = useLoad(
    () =>
      allPages((page) =>
        send(
          api().GET("/v1/integrations/{id}/webhooks", {
            params: { path: { id }, query: { page, page_size: 200 } },
          }),
        ),
      ),
    [id],
  );
  return (
    <IntegrationScreen id={id} part="Webhooks" integration={integration}>
      {() => (
        <>
          <p class="muted">
            Each webhook sends the event or the (mapped) attendee to a URL when its trigger fires,
            signed, retried and logged. They fire only where this integration is active.
          </p>
          {webhooks.problem && (
            <ProblemNotice problem={webhooks.problem} onRetry={webhooks.reload} />
          )}
          {webhooks.loading && !webhooks.data && <Loading />}
          {webhooks.data &&
            TRIGGERS.map((trigger) => (
              <TriggerSection
                key={trigger}
                id={id}
                trigger={trigger}
                webhooks={(webhooks.data ?? []).filter((w) => w.trigger === trigger)}
              />
            ))}
        </>
      )}
    </IntegrationScreen>
  );
}

function TriggerSection({
  id,
  trigger,
  webhooks,
}: {
  id: string;
  trigger: (typeof TRIGGERS)[number];
  webhooks: Schemas["Webhook"][];
}) {
  return (
    <Section title={trigger} id={`trigger-${trigger.replace(".", "-")}`} hint={ABOUT[trigger]}>
      {webhooks.length > 0 && (
        <TableBox label={`Webhooks on ${trigger}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Target</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((webhook) => (
              <tr key={webhook.id}>
                <td>
                  <a href={`/console/integrations/${id}/webhooks/${webhook.id}`}>{webhook.name}</a>
                </td>
                <td>
                  <code>
                    {webhook.method} {webhook.url}
                  </code>
                </td>
                <td>
                  <WebhookState webhook={webhook} />
                </td>
              </tr>
            ))}
          </tbody>
        </TableBox>
      )}
      <a href={`/console/integrations/${id}/webhooks/new?trigger=${trigger}`}>
        Add a webhook on {trigger}
      </a>
    </Section>
  );
}
