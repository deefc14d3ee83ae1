import { z } from "@hono/zod-openapi";
import type { CreateAttendeeInput, PaymentInput, UpdateAttendeeInput } from "../../domain/attendee";
import { PAYMENT_STATUSES, REGISTRATION_STATUSES } from "../../lib/types";
import { DateTimeInput, PaginationQuery, Timestamp } from "../common.schemas";

export const ATTENDEE_EXAMPLE = {
  uid: "gst_8q3x1m7c4w9z2b5n0k6j",
  event_uid: "evt_5n2c8x1m4q7w9z3b0k6j",
  profile_uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  event_name: "Annual Summit",
  event_start_date: "2026-06-12T07:00:00.000Z",
  event_end_date: "2026-06-13T16:00:00.000Z",
  language: "en",
  registration_status: "Complete",
  payment_status: "Unpaid",
  payment_method: null,
  payment_date: null,
  payment_amount: 0,
  amount_tax_excl: 100,
  amount_tax: 21,
  amount_tax_incl: 121,
  check_ins: 0,
  first_check_in_at: null,
  created_at: "2026-05-03T08:15:00.000Z",
  updated_at: "2026-05-03T08:15:00.000Z",
  firstname: "Jane",
  lastname: "Doe",
  email: "jane@example.com",
  free_field1: "Vegetarian",
};

export const RegistrationStatusSchema = z
  .enum(REGISTRATION_STATUSES)
  .openapi({ example: "Complete" });

export const AttendeeSchema = z
  .object({
    uid: z.string(),
    event_uid: z.string(),
    profile_uid: z.string(),
    event_name: z.string(),
    event_start_date: Timestamp,
    event_end_date: Timestamp,
    language: z.string(),
    registration_status: RegistrationStatusSchema,
    payment_status: z.enum(PAYMENT_STATUSES),
    payment_method: z.string().nullable(),
    payment_date: Timestamp.nullable(),
    payment_amount: z.number(),
    amount_tax_excl: z.number(),
    amount_tax: z.number(),
    amount_tax_incl: z.number(),
    check_ins: z.number().int(),
    first_check_in_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .catchall(z.unknown().openapi({ description: "A form field value." }))
  .openapi("Attendee", {
    description:
      "Flat: the system fields, then every field of the event's form at the top level (null when not given).",
    example: ATTENDEE_EXAMPLE,
  });

const Money = z.number().min(0).max(1_000_000_000);

const FieldValues = z.record(z.string(), z.unknown()).openapi({
  description:
    "Values by form field name, checked against the event's form (422 with one detail per problem).",
  example: { email: "jane@example.com", firstname: "Jane", lastname: "Doe" },
});

export const CreateAttendeeBody = z
  .strictObject({
    event_uid: z.string().openapi({ example: "evt_5n2c8x1m4q7w9z3b0k6j" }),
    language: z.string().optional().openapi({
      description: "One of the event's languages; default its first.",
      example: "en",
    }),
    registration_status: RegistrationStatusSchema.optional().openapi({
      description: "Default Complete.",
    }),
    amount_tax_excl: Money.optional().openapi({ description: "Default 0.", example: 100 }),
    amount_tax: Money.optional().openapi({ description: "Default 0.", example: 21 }),
    fields: FieldValues,
  })
  .openapi("CreateAttendee", {
    example: {
      event_uid: "evt_5n2c8x1m4q7w9z3b0k6j",
      language: "en",
      amount_tax_excl: 100,
      amount_tax: 21,
      fields: { email: "jane@example.com", firstname: "Jane", lastname: "Doe" },
    },
  }) satisfies z.ZodType<CreateAttendeeInput>;

export const UpdateAttendeeBody = z
  .strictObject({
    language: CreateAttendeeBody.shape.language,
    registration_status: RegistrationStatusSchema.optional(),
    amount_tax_excl: Money.optional(),
    amount_tax: Money.optional(),
    fields: FieldValues.optional().openapi({
      description:
        "Merged into the stored values; `null` clears a field (a required one cannot be cleared: 422).",
    }),
  })
  .openapi("UpdateAttendee", {
    description: "The create body with every property optional; `event_uid` cannot change.",
    example: { registration_status: "Cancelled", fields: { lastname: "Smith", free_field1: null } },
  }) satisfies z.ZodType<UpdateAttendeeInput>;

export const PaymentBody = z
  .strictObject({
    amount: z.number().positive().max(1_000_000_000).openapi({ example: 121 }),
    method: z.string().trim().min(1).max(50).openapi({ example: "card" }),
    paid_at: DateTimeInput.optional().openapi({ description: "Default now." }),
  })
  .openapi("Payment", {
    example: { amount: 121, method: "card", paid_at: "2026-05-03T08:20:00Z" },
  }) satisfies z.ZodType<PaymentInput>;

/**
 * What a read answers: the whole attendee, or a shaped one. An integration key whose effective
 * field mapping is not empty reads only the mapping's keys (API.md §5), and `fields=a,b` keeps
 * only the keys asked for; neither has a fixed set of properties.
 */
export const MAPPED_ATTENDEE_EXAMPLE = { contact_email: "jane@example.com", source: "weft" };

export const MappedAttendeeSchema = z.record(z.string(), z.unknown()).openapi("MappedAttendee", {
  description:
    "An attendee shaped for its reader: with an integration key whose effective field mapping is not empty, exactly the mapping's keys (each entry's `name`, with the mapped native value, `null` when the attendee lacks it, or the fixed `value`); with `fields=a,b`, only those keys. Its keys therefore come from your configuration, not from this document.",
  example: MAPPED_ATTENDEE_EXAMPLE,
});

export const AttendeeReadSchema = z
  .union([AttendeeSchema, MappedAttendeeSchema])
  .openapi("AttendeeRead", {
    description:
      "An `Attendee` for an admin key (and for an integration key with `ignore_fields_mapping=1`, or whose effective mapping is empty); a `MappedAttendee` for an integration key's mapped read, or when `fields` selects keys.",
  });

export const AttendeeUidParams = z.object({
  uid: z.string().openapi({
    param: { name: "uid", in: "path" },
    description: "The attendee's uid (`gst_...`).",
    example: "gst_8q3x1m7c4w9z2b5n0k6j",
  }),
});

const readShape = {
  fields: z.string().optional().openapi({
    description:
      "Comma-separated keys (`uid,email,firstname`): each attendee then holds only these; unknown names are left out.",
  }),
  ignore_fields_mapping: z.enum(["0", "1", "true", "false"]).optional().openapi({
    description:
      "`1` (or `true`) returns native fields even when an integration key's field mapping would apply.",
  }),
};

export const ListAttendeesQuery = PaginationQuery.extend({
  event_uid: z.string().optional().openapi({ description: "Only this event's attendees." }),
  guest_uid: z
    .string()
    .optional()
    .openapi({ description: "Only this attendee (its `uid`): a list of at most one." }),
  registration_status: z
    .enum(REGISTRATION_STATUSES)
    .optional()
    .openapi({ description: "Only attendees with this registration status." }),
  q: z.string().trim().min(1).max(100).optional().openapi({
    description:
      "Only attendees whose first name, last name or e-mail contains this text, ignoring case (`jane`, `Jane Doe`, `@example.com`). It reads every attendee the other filters leave, so narrow it with `event_uid` on large accounts.",
  }),
  sort: z.enum(["created_at", "-created_at"]).optional().openapi({
    description:
      "The order by registration time: `created_at`, oldest first (the default), or `-created_at`, newest first.",
  }),
  ...readShape,
});

export const GetAttendeeQuery = z.object(readShape);
