import type { AccountRow } from "../db/queries/accounts";
import type { PageRouting } from "../db/queries/attendees";
import type { IntegrationRow } from "../db/queries/integrations";
import type { OverrideRow } from "../db/queries/overrides";
import type { ProfileRow } from "../db/queries/profiles";
import type { TriggerRow } from "../db/queries/triggers";
import type { WebhookRow } from "../db/queries/webhooks";
import type { MappingEntry } from "../lib/types";
import { applyMapping, effectiveMapping, type MappingLevels } from "./mapping";

/**
 * Routing (API.md §4, §5, §6): which integration applies to an event, which of its webhooks a
 * trigger fires, and how attendees are mapped. The one place that decides it, for reads,
 * fan-out, manual actions, overrides, activation and event creation. Pure: the rows come from
 * `db/queries/routing.ts`.
 */

/** What decides the routing of one event: its account, profile and override. */
export type RoutingContext = {
  account: AccountRow | undefined;
  profile: ProfileRow | undefined;
  override: OverrideRow | undefined;
};

/**
 * The integration that applies to an event (its triggers and its form's locked fields): the
 * override's if it names one, else the profile's active one.
 */
export function applyingIntegrationId(context: {
  profile?: Pick<ProfileRow, "activeIntegrationId">;
  override?: Pick<OverrideRow, "integrationId">;
}): string | null {
  return context.override?.integrationId ?? context.profile?.activeIntegrationId ?? null;
}

/** Whether a payment fires guest.update for the event: its override's choice, else its profile's. */
export function firesOnPayment(context: {
  profile?: Pick<ProfileRow, "fireOnPayment">;
  override?: Pick<OverrideRow, "fireOnPayment">;
}): boolean {
  return context.override?.fireOnPayment ?? context.profile?.fireOnPayment ?? false;
}

/** Whether an event follows its profile's active integration (no override names another). */
export function followsProfile(override: Pick<OverrideRow, "integrationId"> | null | undefined) {
  return !override?.integrationId;
}

/**
 * The attendee mapping for `integration` at this event: account -> integration -> profile ->
 * override. The override counts when it names no integration or this one (an override that hands
 * the event to another integration maps for that one).
 */
export function mappingFor(
  context: MappingContext,
  integration: Pick<IntegrationRow, "id" | "fieldMapping">,
): MappingEntry[] {
  return effectiveMapping(mappingLevelsFor(context, integration));
}

type MappingContext = {
  account?: Pick<AccountRow, "fieldMapping">;
  profile?: Pick<ProfileRow, "fieldMapping">;
  override?: Pick<OverrideRow, "integrationId" | "fieldMapping" | "mappingMode">;
};

/** The mapping levels that apply for `integration` at an event (see `mappingFor`). */
export function mappingLevelsFor(
  context: MappingContext,
  integration: Pick<IntegrationRow, "id" | "fieldMapping">,
): MappingLevels {
  const { override } = context;
  const applies =
    override && (override.integrationId === null || override.integrationId === integration.id);
  return {
    account: context.account?.fieldMapping ?? [],
    integration: integration.fieldMapping,
    profile: context.profile?.fieldMapping ?? [],
    override: applies ? override : null,
  };
}

/** Where one trigger of an event goes: the applying integration, its webhooks, the mapping. */
export type Route = {
  integration: IntegrationRow;
  /** Whose event it is (what templates read as `account`). */
  account: AccountRow | undefined;
  override: OverrideRow | undefined;
  /** Whether a payment fires guest.update here: the override's choice, else the profile's. */
  firesOnPayment: boolean;
  mapping: MappingEntry[];
  /** Enabled webhooks of the integration for the trigger that cover the event. */
  webhooks: WebhookRow[];
};

/**
 * The route of an event's trigger, given its context and the applying integration with its
 * webhooks for that trigger (read together: db/queries/routing.ts); none when no integration
 * applies or its webhooks are off.
 */
export function routeOf(
  context: RoutingContext,
  applying: { integration: IntegrationRow | undefined; webhooks: WebhookRow[] },
  eventId: string,
): Route | null {
  const { integration } = applying;
  if (!integration?.webhooksEnabled) return null;
  // An override can switch the event's webhooks off, whichever integration applies.
  if (context.override?.webhooksEnabled === false) return null;
  // The read finds the applying integration in SQL; this rule is the one that decides.
  if (integration.id !== applyingIntegrationId(context)) return null;
  return {
    integration,
    account: context.account,
    override: context.override,
    firesOnPayment: firesOnPayment(context),
    mapping: mappingFor(context, integration),
    webhooks: applying.webhooks.filter(
      (webhook) => webhook.enabled && coversEvent(webhook, eventId),
    ),
  };
}

/** Whether a webhook listens to this event: `event_uids` empty means every event. */
export function coversEvent(webhook: Pick<WebhookRow, "eventUids">, eventId: string): boolean {
  return webhook.eventUids.length === 0 || webhook.eventUids.includes(eventId);
}

/** The webhooks of the route that this trigger fires. */
export function webhooksFiredBy(
  route: Route,
  trigger: Pick<TriggerRow, "trigger" | "webhookId" | "cause" | "createdAt">,
): WebhookRow[] {
  // A payment's guest.update fires only where the profile or the event's override asks for it.
  if (isPayment(trigger) && !route.firesOnPayment) return [];
  return route.webhooks.filter((webhook) => listensTo(webhook, trigger));
}

/** Whether a webhook of the trigger's kind takes this trigger. */
function listensTo(
  webhook: Pick<WebhookRow, "id" | "createdAt">,
  trigger: Pick<TriggerRow, "webhookId" | "createdAt">,
): boolean {
  return (
    // A manual action names its webhook.
    (trigger.webhookId === null || webhook.id === trigger.webhookId) &&
    // A webhook created after the change (while its trigger waited in the queue) does not get it.
    webhook.createdAt <= trigger.createdAt
  );
}

/**
 * Why a trigger made no delivery: the trigger log's `outcome` and the effective configuration's.
 * In the order a trigger meets them (the first that holds is the reason).
 */
export const SILENCE_REASONS = [
  "no_active_integration",
  "integration_webhooks_disabled",
  "event_webhooks_disabled",
  "payment_not_enabled",
  "no_webhook_for_trigger",
  "event_not_in_event_uids",
  "webhook_disabled",
] as const;
export type SilenceReason = (typeof SILENCE_REASONS)[number];

/**
 * Why this trigger of the event fires no webhook, given the applying integration's webhooks for
 * its trigger, enabled or not; null when at least one fires (`routeOf` and `webhooksFiredBy`
 * decide which).
 */
export function silenceOf(
  context: RoutingContext,
  applying: { integration: IntegrationRow | undefined; webhooks: readonly WebhookRow[] },
  eventId: string,
  trigger: Pick<TriggerRow, "trigger" | "webhookId" | "cause" | "createdAt">,
): SilenceReason | null {
  const { integration } = applying;
  if (!integration || integration.id !== applyingIntegrationId(context)) {
    return "no_active_integration";
  }
  if (!integration.webhooksEnabled) return "integration_webhooks_disabled";
  if (context.override?.webhooksEnabled === false) return "event_webhooks_disabled";
  if (isPayment(trigger) && !firesOnPayment(context)) return "payment_not_enabled";
  const listening = applying.webhooks.filter((webhook) => listensTo(webhook, trigger));
  if (listening.length === 0) return "no_webhook_for_trigger";
  const covering = listening.filter((webhook) => coversEvent(webhook, eventId));
  if (covering.length === 0) return "event_not_in_event_uids";
  return covering.some((webhook) => webhook.enabled) ? null : "webhook_disabled";
}

/** A payment's guest.update: it fires only where `fire_on_payment` is on. */
function isPayment(trigger: Pick<TriggerRow, "trigger" | "cause">): boolean {
  return trigger.trigger === "guest.update" && trigger.cause === "payment";
}

/**
 * Native attendees as an integration key reads them: each mapped for the key's integration at
 * its event (API.md §5), from the routing read with the page.
 */
export function mapForReader<T extends { event_uid: string; profile_uid: string }>(
  attendees: readonly T[],
  integration: Pick<IntegrationRow, "id" | "fieldMapping">,
  routing: PageRouting,
): Record<string, unknown>[] {
  const byEvent = new Map<string, MappingEntry[]>();
  return attendees.map((attendee) => {
    let mapping = byEvent.get(attendee.event_uid);
    if (!mapping) {
      const context = {
        account: routing.account,
        profile: routing.profiles.find((profile) => profile.id === attendee.profile_uid),
        override: routing.overrides.find((override) => override.eventId === attendee.event_uid),
      };
      mapping = mappingFor(context, integration);
      byEvent.set(attendee.event_uid, mapping);
    }
    return applyMapping(attendee, mapping);
  });
}
