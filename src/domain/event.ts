import type { EventRow } from "../db/queries/events";
import type { EventLocation } from "../db/schema";
import type { EVENT_STATUSES, FieldType } from "../lib/types";

type EventStatus = (typeof EVENT_STATUSES)[number];

/** A form field as a client sends it. */
export type FieldInput = {
  name: string;
  label?: string;
  type: FieldType;
  required?: boolean;
  locked?: boolean;
  options?: { value: string; label: string }[];
};

/** `POST /v1/events` (API.md §3). */
export type CreateEventInput = {
  profile_uid: string;
  name: string;
  start_date: string;
  end_date: string;
  status?: EventStatus;
  timezone?: string;
  currency?: string;
  languages?: string[];
  location?: EventLocation | null;
  capacity?: number | null;
  fields?: FieldInput[];
};

/** `PATCH /v1/events/{uid}`: the create body without `profile_uid`, every property optional. */
export type UpdateEventInput = Partial<Omit<CreateEventInput, "profile_uid">>;

/** The top-level keys of an event as serializeEvent shows it: what an event template may name. */
export const EVENT_FIELD_NAMES = [
  "uid",
  "profile_uid",
  "name",
  "status",
  "start_date",
  "end_date",
  "timezone",
  "currency",
  "languages",
  "location",
  "capacity",
  "guest_count",
  "fields",
  "created_at",
  "updated_at",
] as const;

/** The event exactly as the API and `event.*` webhook payloads show it. */
export function serializeEvent(row: EventRow) {
  const location = row.location ?? {};
  return {
    uid: row.id,
    profile_uid: row.profileId,
    name: row.name,
    status: row.status as EventStatus,
    start_date: row.startDate,
    end_date: row.endDate,
    timezone: row.timezone,
    currency: row.currency,
    languages: row.languages,
    location: {
      name: location.name ?? null,
      street: location.street ?? null,
      zip_code: location.zip_code ?? null,
      city: location.city ?? null,
      country: location.country ?? null,
    },
    capacity: row.capacity,
    guest_count: row.guestCount,
    fields: row.fields,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
