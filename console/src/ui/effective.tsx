import type { Schemas } from "../api";
import { Badge, TableBox } from "./bits";

type Effective = Schemas["EffectiveIntegration"];

const WHY: Record<Schemas["SilenceReason"], string> = {
  no_active_integration: "no integration applies",
  integration_webhooks_disabled: "the integration's webhooks are off",
  event_webhooks_disabled: "this event's webhooks are switched off",
  payment_not_enabled: "fire on payment is off",
  no_webhook_for_trigger: "no webhook on this trigger",
  event_not_in_event_uids: "its webhooks are limited to other events",
  webhook_disabled: "its webhooks are disabled",
};

/**
 * What applies to an event now (GET /v1/events/{uid}/effective-integration): the integration and
 * where it comes from, the merged mapping with each entry's level, the locked fields, and per
 * trigger what would be sent or why nothing would.
 */
export function EffectiveConfiguration({ effective }: { effective: Effective }) {
  const { integration } = effective;
  return (
    <div class="effective">
      <p>
        {integration ? (
          <>
            <a href={`/console/integrations/${integration.id}`}>{integration.name}</a> applies,{" "}
            {effective.source === "override"
              ? "set on this event."
              : "the integration active on its profile."}
          </>
        ) : (
          "No integration applies to this event."
        )}{" "}
        Fire on payment: {effective.fire_on_payment.enabled ? "yes" : "no"} (
        {effective.fire_on_payment.level === "event" ? "this event's choice" : "the profile's"}).
      </p>
      {effective.locked_fields.length > 0 && (
        <p>Locked in its form: {effective.locked_fields.map((field) => field.name).join(", ")}.</p>
      )}
      <TableBox label="What each trigger sends">
        <thead>
          <tr>
            <th scope="col">Trigger</th>
            <th scope="col">Sends</th>
          </tr>
        </thead>
        <tbody>
          {effective.triggers.map((row) => (
            <tr key={row.trigger}>
              <td>{row.trigger}</td>
              <td>
                {row.outcome === "fires" ? (
                  <>
                    <Badge tone="ok">fires</Badge>{" "}
                    {row.webhooks.map((webhook) => webhook.name).join(", ")}
                  </>
                ) : (
                  <span class="muted">nothing: {WHY[row.outcome]}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </TableBox>
      {effective.field_mapping.length > 0 && (
        <TableBox label="The effective field mapping">
          <thead>
            <tr>
              <th scope="col">Output key</th>
              <th scope="col">Takes</th>
              <th scope="col">Set at</th>
            </tr>
          </thead>
          <tbody>
            {effective.field_mapping.map((entry) => (
              <tr key={entry.name}>
                <td>
                  <code>{entry.name}</code>
                </td>
                <td>
                  {entry.mapped_to !== undefined ? (
                    <code>{entry.mapped_to}</code>
                  ) : (
                    <code>{JSON.stringify(entry.value)}</code>
                  )}
                </td>
                <td>{entry.level}</td>
              </tr>
            ))}
          </tbody>
        </TableBox>
      )}
    </div>
  );
}
