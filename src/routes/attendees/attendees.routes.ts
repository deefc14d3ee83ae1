import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import {
  dataOf,
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  jsonContentExamples,
  listOf,
  noContent,
  PAGE_META_EXAMPLE,
} from "../common.schemas";
import {
  ATTENDEE_EXAMPLE,
  AttendeeReadSchema,
  AttendeeSchema,
  AttendeeUidParams,
  CreateAttendeeBody,
  GetAttendeeQuery,
  ListAttendeesQuery,
  MAPPED_ATTENDEE_EXAMPLE,
  PaymentBody,
  UpdateAttendeeBody,
} from "./attendees.schemas";

const tags = ["Attendees"];

/** What a read looks like for an admin key, and for an integration key with a field mapping. */
const readExamples = (wrap: (attendee: object) => unknown) => ({
  attendee: { summary: "Admin key: the whole attendee", value: wrap(ATTENDEE_EXAMPLE) },
  mapped: {
    summary: "Integration key whose mapping is contact_email <- email, source = weft",
    value: wrap(MAPPED_ATTENDEE_EXAMPLE),
  },
});

const READ_SHAPES =
  "An integration key reads the attendee through the effective field mapping (a `MappedAttendee`: only the mapping's keys) unless `ignore_fields_mapping=1` or the mapping is empty; `fields=a,b` keeps only those keys.";

export const createAttendee = createRoute({
  method: "post",
  path: "/attendees",
  operationId: "createAttendee",
  tags,
  summary: "Register an attendee",
  description:
    "Admin keys, and integration keys with `attendees:write` on events of linked profiles (another event is a 404 naming `event_uid`). `fields` is checked against the event's form: unknown field, missing required field, wrong type or unknown option give 422 with one `details` entry per problem (`fields.<name>`). An unknown `event_uid` is a 404; a full event a 409. `registration_status` defaults to Complete and `language` to the event's first. Fires `guest.create`.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateAttendeeBody) },
  responses: {
    201: dataResponse(AttendeeSchema, "The new attendee.", ATTENDEE_EXAMPLE),
    ...errorResponses(404, 409, 413, 422),
  },
});

export const listAttendees = createRoute({
  method: "get",
  path: "/attendees",
  operationId: "listAttendees",
  tags,
  summary: "List attendees",
  description: `An admin key lists the account's attendees; an integration key with \`attendees:read\` those of linked profiles. Oldest first unless \`sort=-created_at\`; every filter is optional, and \`q\` searches names and e-mails. ${READ_SHAPES}`,
  request: { query: ListAttendeesQuery },
  responses: {
    200: jsonContentExamples(
      listOf(AttendeeReadSchema),
      "One page of attendees.",
      readExamples((attendee) => ({ data: [attendee], meta: PAGE_META_EXAMPLE })),
    ),
    ...errorResponses(),
  },
});

export const getAttendee = createRoute({
  method: "get",
  path: "/attendees/{uid}",
  operationId: "getAttendee",
  tags,
  summary: "Get an attendee",
  description: `Admin keys, and integration keys with \`attendees:read\` for attendees of linked profiles. ${READ_SHAPES} This is also the body of \`guest.*\` webhooks.`,
  request: { params: AttendeeUidParams, query: GetAttendeeQuery },
  responses: {
    200: jsonContentExamples(
      dataOf(AttendeeReadSchema),
      "The attendee.",
      readExamples((attendee) => ({ data: attendee })),
    ),
    ...errorResponses(404),
  },
});

export const updateAttendee = createRoute({
  method: "patch",
  path: "/attendees/{uid}",
  operationId: "updateAttendee",
  tags,
  summary: "Update an attendee",
  description:
    "Admin keys, and integration keys with `attendees:write` for attendees of linked profiles (others are a 404; the answer is the native attendee, unmapped). Every property optional. `fields` is merged into the stored values (`null` clears one) and the result checked against the form (422). Fires `guest.update`. A change that keeps colliding with concurrent changes of the same attendee answers 409; retry it.",
  request: { params: AttendeeUidParams, body: jsonBody(UpdateAttendeeBody) },
  responses: {
    200: dataResponse(AttendeeSchema, "The updated attendee.", {
      ...ATTENDEE_EXAMPLE,
      registration_status: "Cancelled",
      lastname: "Smith",
      free_field1: null,
      updated_at: "2026-05-04T10:00:00.000Z",
    }),
    ...errorResponses(404, 409, 413, 422),
  },
});

export const deleteAttendee = createRoute({
  method: "delete",
  path: "/attendees/{uid}",
  operationId: "deleteAttendee",
  tags,
  summary: "Delete an attendee",
  description:
    "Admin key only (not `attendees:write`: a key that syncs attendees cannot remove them). Lowers the event's `guest_count` and fires `guest.delete`.",
  request: { params: AttendeeUidParams },
  responses: { 204: noContent("Deleted."), ...errorResponses(404) },
});

export const addPayment = createRoute({
  method: "post",
  path: "/attendees/{uid}/payments",
  operationId: "recordPayment",
  tags,
  summary: "Record a payment",
  description:
    "Admin keys, and integration keys with `attendees:write` for attendees of linked profiles (others are a 404; the answer is the native attendee, unmapped). Adds `amount` to payment_amount and sets payment_method and payment_date (`paid_at`, default now); payment_status becomes Paid once payment_amount reaches amount_tax_incl, else Partial. Fires `guest.update` with `x-weft-cause: payment` only where `fire_on_payment` is on: the event's override says, else its profile. Accepts `idempotency-key`, so a retried payment is not counted twice. Concurrent payments of one attendee never overwrite each other; one that keeps colliding answers 409 (nothing recorded), to retry.",
  middleware: [idempotent] as const,
  request: {
    headers: IdempotencyHeaders,
    params: AttendeeUidParams,
    body: jsonBody(PaymentBody),
  },
  responses: {
    200: dataResponse(AttendeeSchema, "The attendee with its payment fields updated.", {
      ...ATTENDEE_EXAMPLE,
      payment_status: "Paid",
      payment_method: "card",
      payment_date: "2026-05-03T08:20:00.000Z",
      payment_amount: 121,
      updated_at: "2026-05-03T08:20:01.000Z",
    }),
    ...errorResponses(404, 409, 413),
  },
});
