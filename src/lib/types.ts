/** Domain shapes shared by the database, the services and the delivery consumer. */

export const FIELD_TYPES = [
  "text",
  "email",
  "phone",
  "number",
  "date",
  "boolean",
  "select",
  "multiselect",
  "country",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export type FieldOption = { value: string; label: string };

/** One field of an event's registration form. */
export type FormField = {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  locked: boolean;
  options?: FieldOption[];
};

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One entry of a field mapping: a renamed/picked source, or a fixed value. */
export type MappingEntry = { name: string; mapped_to: string } | { name: string; value: JsonValue };

export const EVENT_STATUSES = [
  "NotReady",
  "OffLine",
  "Published",
  "Registering",
  "SoldOut",
  "InProgress",
  "Closed",
  "Archived",
] as const;

export const REGISTRATION_STATUSES = ["Incomplete", "Complete", "Cancelled", "Waiting"] as const;
export const PAYMENT_STATUSES = ["Unpaid", "Partial", "Paid", "Refunded"] as const;

export const TRIGGERS = [
  "event.create",
  "event.update",
  "event.delete",
  "event.manual",
  "guest.create",
  "guest.update",
  "guest.delete",
  "guest.manual",
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** What an integration key may do (API.md §8); read-only by default. */
export const KEY_SCOPES = ["events:read", "attendees:read", "attendees:write"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];
export const DEFAULT_KEY_SCOPES: readonly KeyScope[] = ["events:read", "attendees:read"];

export const WEBHOOK_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];
