import type { EventRow } from "../db/queries/events";
import type { IntegrationRow } from "../db/queries/integrations";
import type { WebhookRow } from "../db/queries/webhooks";
import { TRIGGERS, type Trigger, type WebhookMethod } from "../lib/types";
import { mappingWithLevels } from "./mapping";
import {
  applyingIntegrationId,
  coversEvent,
  firesOnPayment,
  mappingLevelsFor,
  type RoutingContext,
  type SilenceReason,
  silenceOf,
} from "./routing";

/**
 * `GET /v1/events/{uid}/effective-integration`: what applies to an event and why, from the same
 * rules the fan-out, the reads and the forms follow (domain/routing.ts). Pure.
 */

type WebhookSummary = { id: string; name: string; method: WebhookMethod; url: string };

const summary = (webhook: WebhookRow): WebhookSummary => ({
  id: webhook.id,
  name: webhook.name,
  method: webhook.method as WebhookMethod,
  url: webhook.url,
});

/** Why one of the integration's webhooks for a trigger does not fire for this event. */
function skippedBecause(webhook: WebhookRow, eventId: string): SilenceReason | null {
  if (!coversEvent(webhook, eventId)) return "event_not_in_event_uids";
  return webhook.enabled ? null : "webhook_disabled";
}

export function effectiveIntegration(input: {
  event: EventRow;
  context: RoutingContext;
  /** The integration that applies (the override's, else the profile's active one), if any. */
  integration: IntegrationRow | undefined;
  /** Every webhook of that integration, enabled or not. */
  webhooks: readonly WebhookRow[];
  now: string;
}) {
  const { event, context } = input;
  const integration =
    input.integration?.id === applyingIntegrationId(context) ? input.integration : undefined;
  const { override } = context;
  const mapping = integration ? mappingWithLevels(mappingLevelsFor(context, integration)) : [];
  const triggers = TRIGGERS.map((trigger: Trigger) => {
    const webhooks = input.webhooks.filter((webhook) => webhook.trigger === trigger);
    const outcome = silenceOf(context, { integration, webhooks }, event.id, {
      trigger,
      webhookId: null,
      cause: null,
      createdAt: input.now,
    });
    const reasons = webhooks.map((webhook) => ({
      webhook,
      reason: skippedBecause(webhook, event.id),
    }));
    return {
      trigger,
      outcome: outcome ?? ("fires" as const),
      webhooks: outcome
        ? []
        : reasons.filter((r) => r.reason === null).map((r) => summary(r.webhook)),
      skipped: reasons.flatMap(({ webhook, reason }) =>
        reason ? [{ ...summary(webhook), reason }] : [],
      ),
    };
  });
  return {
    event_uid: event.id,
    profile_uid: event.profileId,
    integration: integration
      ? {
          id: integration.id,
          name: integration.name,
          api_access: integration.apiAccess,
          webhooks_enabled: integration.webhooksEnabled,
        }
      : null,
    source: integration ? (override?.integrationId ? "override" : "profile") : null,
    override: override
      ? {
          integration_id: override.integrationId,
          mapping_mode: override.mappingMode,
          fire_on_payment: override.fireOnPayment,
          webhooks_enabled: override.webhooksEnabled,
        }
      : null,
    fire_on_payment: {
      enabled: firesOnPayment(context),
      level: override?.fireOnPayment != null ? "event" : "profile",
    },
    field_mapping: mapping.map(({ entry, level }) => ({ ...entry, level })),
    locked_fields: event.fields.filter((field) => field.locked),
    triggers,
  } as const;
}
