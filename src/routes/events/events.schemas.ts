import { z } from "@hono/zod-openapi";
import type { CreateEventInput, UpdateEventInput } from "../../domain/event";
import { EVENT_STATUSES, FIELD_TYPES } from "../../lib/types";
import { isCountryCode } from "../../services/form";
import { DateTimeInput, PaginationQuery, Timestamp } from "../common.schemas";
import {
  checkFieldOptions,
  FieldNameSchema,
  FieldOptionSchema,
  FieldOptionsSchema,
} from "../form-fields.schemas";

export const EVENT_EXAMPLE = {
  uid: "evt_5n2c8x1m4q7w9z3b0k6j",
  profile_uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  name: "Annual Summit",
  status: "Registering",
  start_date: "2026-06-12T07:00:00.000Z",
  end_date: "2026-06-13T16:00:00.000Z",
  timezone: "Europe/Brussels",
  currency: "EUR",
  languages: ["en", "fr"],
  location: {
    name: "Square",
    street: "Mont des Arts",
    zip_code: "1000",
    city: "Brussels",
    country: "BE",
  },
  capacity: 500,
  guest_count: 312,
  fields: [
    { name: "email", label: "E-mail", type: "email", required: true, locked: false },
    { name: "firstname", label: "First name", type: "text", required: false, locked: false },
    {
      name: "diet",
      label: "Diet",
      type: "select",
      required: false,
      locked: false,
      options: [
        { value: "none", label: "No preference" },
        { value: "veg", label: "Vegetarian" },
      ],
    },
  ],
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-02T10:30:00.000Z",
};

export const EventStatusSchema = z.enum(EVENT_STATUSES).openapi({ example: "Registering" });

export const FormFieldSchema = z
  .object({
    name: z.string().openapi({ example: "email" }),
    label: z.string().openapi({ example: "E-mail" }),
    type: z.enum(FIELD_TYPES).openapi({ example: "email" }),
    required: z.boolean(),
    locked: z.boolean().openapi({
      description: "Required by the active integration's fixed configuration; cannot be changed.",
    }),
    options: z.array(FieldOptionSchema).optional(),
  })
  .openapi("FormField");

export const FormFieldInput = z
  .strictObject({
    name: FieldNameSchema.openapi({ example: "free_field1" }),
    label: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Defaults to the name.", example: "Dietary needs" }),
    type: z.enum(FIELD_TYPES).openapi({ example: "select" }),
    required: z.boolean().optional().openapi({ description: "Default false.", example: false }),
    locked: z.boolean().optional().openapi({
      description:
        "Output only: set by the active integration. It may be echoed back unchanged; `true` on a field that is not locked is refused.",
    }),
    options: FieldOptionsSchema.optional(),
  })
  .superRefine(checkFieldOptions)
  .openapi("FormFieldInput");

const FieldsInput = z
  .array(FormFieldInput)
  .max(200)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: "custom", path: [index, "name"], message: "Duplicate field name." });
      }
      seen.add(field.name);
    });
  })
  .openapi({
    description: "The registration form. Default: email (required), firstname, lastname.",
  });

const LocationPart = z.string().trim().max(200).nullable().optional();

export const LocationSchema = z
  .strictObject({
    name: LocationPart,
    street: LocationPart,
    zip_code: LocationPart,
    city: LocationPart,
    country: z
      .string()
      .refine(isCountryCode, "An ISO 3166-1 alpha-2 code in uppercase (BE).")
      .nullable()
      .optional(),
  })
  .openapi("Location", { example: EVENT_EXAMPLE.location });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const eventProperties = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Annual Summit" }),
  status: EventStatusSchema.openapi({ description: "Default NotReady." }),
  start_date: DateTimeInput,
  end_date: DateTimeInput.openapi({ description: "At or after start_date." }),
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, "Not an IANA time zone.")
    .openapi({ description: "IANA time zone. Default UTC.", example: "Europe/Brussels" }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "Three uppercase letters (ISO 4217).")
    .openapi({ description: "Default EUR.", example: "EUR" }),
  languages: z
    .array(
      z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, "A language code such as en or fr."),
    )
    .min(1)
    .max(20)
    .refine((codes) => new Set(codes).size === codes.length, "Each language only once.")
    .openapi({
      description: 'Default ["en"]; the first is the default for attendees.',
      example: ["en", "fr"],
    }),
  location: LocationSchema.nullable(),
  capacity: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .nullable()
    .openapi({ description: "Default null: no limit.", example: 500 }),
  fields: FieldsInput,
};

const endAfterStart = (body: { start_date?: string; end_date?: string }, ctx: z.RefinementCtx) => {
  if (body.start_date && body.end_date && Date.parse(body.end_date) < Date.parse(body.start_date)) {
    ctx.addIssue({
      code: "custom",
      path: ["end_date"],
      message: "Must be at or after start_date.",
    });
  }
};

export const CreateEventBody = z
  .strictObject({
    profile_uid: z.string().openapi({ example: "prf_2k8x4m1q9c7w3z5b0n6j" }),
    name: eventProperties.name,
    start_date: eventProperties.start_date,
    end_date: eventProperties.end_date,
    status: eventProperties.status.optional(),
    timezone: eventProperties.timezone.optional(),
    currency: eventProperties.currency.optional(),
    languages: eventProperties.languages.optional(),
    location: eventProperties.location.optional(),
    capacity: eventProperties.capacity.optional(),
    fields: eventProperties.fields.optional(),
  })
  .superRefine(endAfterStart)
  .superRefine((body, ctx) => {
    body.fields?.forEach((field, index) => {
      if (field.locked) {
        ctx.addIssue({
          code: "custom",
          path: ["fields", index, "locked"],
          message: "Locks are set by the active integration, not by clients.",
        });
      }
    });
  })
  .openapi("CreateEvent", {
    example: {
      profile_uid: EVENT_EXAMPLE.profile_uid,
      name: "Annual Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
      timezone: "Europe/Brussels",
      languages: ["en", "fr"],
      capacity: 500,
    },
  }) satisfies z.ZodType<CreateEventInput>;

export const UpdateEventBody = z
  .strictObject({
    name: eventProperties.name.optional(),
    start_date: eventProperties.start_date.optional(),
    end_date: eventProperties.end_date.optional(),
    status: eventProperties.status.optional(),
    timezone: eventProperties.timezone.optional(),
    currency: eventProperties.currency.optional(),
    languages: eventProperties.languages.optional(),
    location: eventProperties.location.optional(),
    capacity: eventProperties.capacity.optional(),
    fields: eventProperties.fields.optional(),
  })
  .superRefine(endAfterStart)
  .openapi("UpdateEvent", {
    description:
      "The create body with every property optional; `profile_uid` cannot change. Sending `fields` replaces the form; locked fields must be kept unchanged (409).",
    example: { status: "Registering", capacity: 600 },
  }) satisfies z.ZodType<UpdateEventInput>;

export const EventSchema = z
  .object({
    uid: z.string(),
    profile_uid: z.string(),
    name: z.string(),
    status: EventStatusSchema,
    start_date: Timestamp,
    end_date: Timestamp,
    timezone: z.string(),
    currency: z.string(),
    languages: z.array(z.string()),
    location: z
      .object({
        name: z.string().nullable(),
        street: z.string().nullable(),
        zip_code: z.string().nullable(),
        city: z.string().nullable(),
        country: z.string().nullable(),
      })
      .openapi({ description: "Every part null when not given." }),
    capacity: z.number().int().nullable(),
    guest_count: z.number().int(),
    fields: z.array(FormFieldSchema),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Event", { example: EVENT_EXAMPLE });

export const EventUidParams = z.object({
  uid: z.string().openapi({
    param: { name: "uid", in: "path" },
    description: "The event's uid (`evt_...`).",
    example: "evt_5n2c8x1m4q7w9z3b0k6j",
  }),
});

export const ListEventsQuery = PaginationQuery.extend({
  profile_uid: z.string().optional().openapi({ description: "Only this profile's events." }),
  uid: z.string().optional().openapi({
    description: "Only these events: one uid, or several separated by commas.",
  }),
  status: z
    .enum(EVENT_STATUSES)
    .optional()
    .openapi({ description: "Only events with this status." }),
});

export const FieldsListSchema = z.object({ data: z.array(FormFieldSchema) });
