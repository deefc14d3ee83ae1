import type { AttendeeRow } from "../db/queries/attendees";
import type { EventRow } from "../db/queries/events";
import type { REGISTRATION_STATUSES } from "../lib/types";

type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** Names of the attendee's system fields: a form field may not reuse them (they share one object). */
export const SYSTEM_FIELD_NAMES = [
  "uid",
  "event_uid",
  "profile_uid",
  "event_name",
  "event_start_date",
  "event_end_date",
  "language",
  "registration_status",
  "payment_status",
  "payment_method",
  "payment_date",
  "payment_amount",
  "amount_tax_excl",
  "amount_tax",
  "amount_tax_incl",
  "check_ins",
  "first_check_in_at",
  "created_at",
  "updated_at",
] as const;

/**
 * The form field names Weft's forms are built from (API.md §3): `free_field1`, `free_field2`...
 * besides these. A payload template of a guest webhook may always name them.
 */
export const NATIVE_FORM_FIELD_NAMES = [
  "title",
  "firstname",
  "lastname",
  "email",
  "phone",
  "mobile_phone",
  "job_title",
  "cpy_name",
  "cpy_city",
  "cpy_country",
] as const;

export const isFreeField = (name: string) => /^free_field[1-9]\d*$/.test(name);

/** `POST /v1/attendees` (API.md §3). */
export type CreateAttendeeInput = {
  event_uid: string;
  language?: string;
  registration_status?: RegistrationStatus;
  amount_tax_excl?: number;
  amount_tax?: number;
  /** Values by form field name, checked against the event's form. */
  fields: Record<string, unknown>;
};

/** `PATCH /v1/attendees/{uid}`: the create body without `event_uid`, every property optional. */
export type UpdateAttendeeInput = Partial<Omit<CreateAttendeeInput, "event_uid">>;

/** `POST /v1/attendees/{uid}/payments`. */
export type PaymentInput = { amount: number; method: string; paid_at?: string };

/** The attendee exactly as the API shows it natively: system fields, then the event's form fields. */
export type NativeAttendee = Record<string, unknown> & { event_uid: string; profile_uid: string };

/** The attendee as `GET /v1/attendees/{uid}` and `guest.*` payloads (before mapping) show it. */
export function serializeAttendee(row: AttendeeRow, event: EventRow): NativeAttendee {
  const attendee: NativeAttendee = {
    uid: row.id,
    event_uid: row.eventId,
    profile_uid: row.profileId,
    event_name: event.name,
    event_start_date: event.startDate,
    event_end_date: event.endDate,
    language: row.language,
    registration_status: row.registrationStatus,
    payment_status: row.paymentStatus,
    payment_method: row.paymentMethod,
    payment_date: row.paymentDate,
    payment_amount: row.paymentAmount,
    amount_tax_excl: row.amountTaxExcl,
    amount_tax: row.amountTax,
    amount_tax_incl: row.amountTaxIncl,
    check_ins: row.checkIns,
    first_check_in_at: row.firstCheckInAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  for (const field of event.fields) {
    attendee[field.name] = Object.hasOwn(row.fields, field.name) ? row.fields[field.name] : null;
  }
  return attendee;
}
