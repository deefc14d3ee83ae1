import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent } from "../../middleware/idempotency";
import { dataOf, IdempotencyHeaders, jsonBody, jsonContent, listOf } from "../common.schemas";
import {
  CreateEventBody,
  EventSchema,
  EventUidParams,
  FieldsListSchema,
  ListEventsQuery,
  UpdateEventBody,
} from "./events.schemas";

const tags = ["Event"];

export const createEvent = createRoute({
  method: "post",
  path: "/events",
  tags,
  summary: "Create an event",
  description:
    'Admin key only. Defaults: status NotReady, timezone UTC, currency EUR, languages ["en"], capacity null, and a form of email (required), firstname, lastname. The fixed-configuration fields of the profile\'s active integration are added, locked. An unknown `profile_uid` is a 404.',
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateEventBody) },
  responses: {
    201: jsonContent(dataOf(EventSchema), "The new event."),
    ...errorResponses(409),
  },
});

export const listEvents = createRoute({
  method: "get",
  path: "/events",
  tags,
  summary: "List events",
  description:
    "An admin key lists the account's events; an integration key those of the profiles linked to its integration. Oldest first.",
  request: { query: ListEventsQuery },
  responses: { 200: jsonContent(listOf(EventSchema), "One page of events."), ...errorResponses() },
});

export const getEvent = createRoute({
  method: "get",
  path: "/events/{uid}",
  tags,
  summary: "Get an event",
  description: "Admin keys, and integration keys for events of linked profiles.",
  request: { params: EventUidParams },
  responses: { 200: jsonContent(dataOf(EventSchema), "The event."), ...errorResponses() },
});

export const updateEvent = createRoute({
  method: "patch",
  path: "/events/{uid}",
  tags,
  summary: "Update an event",
  description:
    "Admin key only. `fields` replaces the whole form; fields locked by the active integration must be sent unchanged (409 otherwise). A capacity below the guest count is a 409.",
  request: { params: EventUidParams, body: jsonBody(UpdateEventBody) },
  responses: {
    200: jsonContent(dataOf(EventSchema), "The updated event."),
    ...errorResponses(409),
  },
});

export const deleteEvent = createRoute({
  method: "delete",
  path: "/events/{uid}",
  tags,
  summary: "Delete an event",
  description:
    "Admin key only. Deletes the event's attendees with it and fires `event.delete` (no `guest.delete` per attendee).",
  request: { params: EventUidParams },
  responses: { 204: { description: "Deleted." }, ...errorResponses() },
});

export const getEventFields = createRoute({
  method: "get",
  path: "/events/{uid}/fields",
  tags,
  summary: "The event's registration form",
  request: { params: EventUidParams },
  responses: {
    200: jsonContent(FieldsListSchema, "The form's fields, in order."),
    ...errorResponses(),
  },
});
