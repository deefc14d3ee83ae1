import { useRoute } from "preact-iso";
import type { Schemas } from "../api";
import { TRIGGERS, type Trigger } from "../contract";
import { TableBox } from "../ui/bits";
import { Loading, ProblemNotice } from "../ui/notice";
import { Section } from "../ui/screen";
import { IntegrationScreen, useIntegration, useWebhooks } from "./integration-tabs";
import { WebhookState } from "./webhook";

const ABOUT: Record<Trigger, string> = {
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
  const webhooks = useWebhooks(id);
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
  trigger: Trigger;
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
