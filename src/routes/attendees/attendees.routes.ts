import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent } from "../../middleware/idempotency";
import { dataOf, IdempotencyHeaders, jsonBody, jsonContent, listOf } from "../common.schemas";
import {
  AttendeeSchema,
  AttendeeUidParams,
  CreateAttendeeBody,
  GetAttendeeQuery,
  ListAttendeesQuery,
  PaymentBody,
  UpdateAttendeeBody,
} from "./attendees.schemas";

const tags = ["Attendee"];

export const createAttendee = createRoute({
  method: "post",
  path: "/attendees",
  tags,
  summary: "Register an attendee",
  description:
    "Admin key only. `fields` is checked against the event's form: unknown field, missing required field, wrong type or unknown option give 422 with one `details` entry per problem (`fields.<name>`). A full event is a 409. Fires `guest.create`.",
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateAttendeeBody) },
  responses: {
    201: jsonContent(dataOf(AttendeeSchema), "The new attendee."),
    ...errorResponses(409, 422),
  },
});

export const listAttendees = createRoute({
  method: "get",
  path: "/attendees",
  tags,
  summary: "List attendees",
  description:
    "An admin key lists the account's attendees; an integration key those of linked profiles (with the integration's field mapping unless `ignore_fields_mapping=1`). Oldest first.",
  request: { query: ListAttendeesQuery },
  responses: {
    200: jsonContent(listOf(AttendeeSchema), "One page of attendees."),
    ...errorResponses(),
  },
});

export const getAttendee = createRoute({
  method: "get",
  path: "/attendees/{uid}",
  tags,
  summary: "Get an attendee",
  request: { params: AttendeeUidParams, query: GetAttendeeQuery },
  responses: { 200: jsonContent(dataOf(AttendeeSchema), "The attendee."), ...errorResponses() },
});

export const updateAttendee = createRoute({
  method: "patch",
  path: "/attendees/{uid}",
  tags,
  summary: "Update an attendee",
  description:
    "Admin key only. `fields` is merged into the stored values (`null` clears one) and the result checked against the form (422). Fires `guest.update`. A change that keeps colliding with concurrent changes of the same attendee answers 409; retry it.",
  request: { params: AttendeeUidParams, body: jsonBody(UpdateAttendeeBody) },
  responses: {
    200: jsonContent(dataOf(AttendeeSchema), "The updated attendee."),
    ...errorResponses(409, 422),
  },
});

export const deleteAttendee = createRoute({
  method: "delete",
  path: "/attendees/{uid}",
  tags,
  summary: "Delete an attendee",
  description: "Admin key only. Lowers the event's guest_count and fires `guest.delete`.",
  request: { params: AttendeeUidParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses() },
});

export const addPayment = createRoute({
  method: "post",
  path: "/attendees/{uid}/payments",
  tags,
  summary: "Record a payment",
  description:
    "Admin key only. Adds `amount` to payment_amount and sets payment_method and payment_date (`paid_at`, default now); payment_status becomes Paid once payment_amount reaches amount_tax_incl, else Partial. Fires `guest.update` with `x-weft-cause: payment` only when the event's override has `fire_on_payment`. Accepts `idempotency-key`, so a retried payment is not counted twice. Concurrent payments of one attendee never overwrite each other; one that keeps colliding answers 409 (nothing recorded), to retry.",
  middleware: [idempotent] as const,
  request: {
    headers: IdempotencyHeaders,
    params: AttendeeUidParams,
    body: jsonBody(PaymentBody),
  },
  responses: {
    200: jsonContent(dataOf(AttendeeSchema), "The attendee with its payment fields updated."),
    ...errorResponses(409),
  },
});
