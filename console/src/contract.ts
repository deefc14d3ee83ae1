import type { Schemas } from "./api";

/**
 * The closed sets of values the API takes that a form offers as options. The lists are the
 * console's (an order that reads well); the compiler checks each holds every value of the API's
 * type and no other, so a new value in the OpenAPI document fails `npm run typecheck` here.
 */
function every<T extends string>() {
  return <const L extends readonly T[]>(
    list: L &
      ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ) => list;
}

export type Trigger = Schemas["Webhook"]["trigger"];

export const TRIGGERS = every<Trigger>()([
  "guest.create",
  "guest.update",
  "guest.delete",
  "guest.manual",
  "event.create",
  "event.update",
  "event.delete",
  "event.manual",
]);

export const WEBHOOK_METHODS = every<Schemas["Webhook"]["method"]>()([
  "POST",
  "PUT",
  "PATCH",
  "GET",
  "DELETE",
]);

export const WEBHOOK_ORDERINGS = every<Schemas["Webhook"]["ordering"]>()(["none", "per_subject"]);

export const TRIGGER_OUTCOMES = every<NonNullable<Schemas["Trigger"]["outcome"]>>()([
  "fired",
  "no_active_integration",
  "integration_webhooks_disabled",
  "event_webhooks_disabled",
  "payment_not_enabled",
  "no_webhook_for_trigger",
  "event_not_in_event_uids",
  "webhook_disabled",
]);

export const EVENT_STATUSES = every<Schemas["Event"]["status"]>()([
  "NotReady",
  "OffLine",
  "Published",
  "Registering",
  "SoldOut",
  "InProgress",
  "Closed",
  "Archived",
]);

export const REGISTRATION_STATUSES = every<Schemas["Attendee"]["registration_status"]>()([
  "Complete",
  "Incomplete",
  "Cancelled",
  "Waiting",
]);

export const FIELD_TYPES = every<Schemas["FormField"]["type"]>()([
  "text",
  "email",
  "phone",
  "number",
  "date",
  "boolean",
  "select",
  "multiselect",
  "country",
]);

/** The options of a select over one of these lists, each value its own label. */
export const optionsOf = (values: readonly string[]) =>
  values.map((value) => ({ value, label: value }));
