import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import { DEFAULT_FORM } from "../../services/events";
import {
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  jsonContent,
  listResponse,
  noContent,
} from "../common.schemas";
import {
  CreateEventBody,
  EVENT_EXAMPLE,
  EventSchema,
  EventUidParams,
  FieldsListSchema,
  ListEventsQuery,
  UpdateEventBody,
} from "./events.schemas";

const tags = ["Events"];

const NEW_EVENT = {
  ...EVENT_EXAMPLE,
  status: "NotReady",
  timezone: "UTC",
  languages: ["en"],
  location: { name: null, street: null, zip_code: null, city: null, country: null },
  capacity: null,
  guest_count: 0,
  fields: DEFAULT_FORM,
  updated_at: EVENT_EXAMPLE.created_at,
};

export const createEvent = createRoute({
  method: "post",
  path: "/events",
  operationId: "createEvent",
  tags,
  summary: "Create an event",
  description:
    'Admin key only. `profile_uid`, `name`, `start_date` and `end_date` are required. Defaults: status NotReady, timezone UTC, currency EUR, languages ["en"], capacity null (no limit), and a form of email (required), firstname, lastname. The fixed-configuration fields of the integration active on the profile are added to the form, locked. An unknown `profile_uid` is a 404. Fires `event.create`.',
  middleware: [idempotent] as const,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateEventBody) },
  responses: {
    201: dataResponse(EventSchema, "The new event (here with every default).", NEW_EVENT),
    ...errorResponses(404, 409, 413),
  },
});

export const listEvents = createRoute({
  method: "get",
  path: "/events",
  operationId: "listEvents",
  tags,
  summary: "List events",
  description:
    "An admin key lists the account's events; an integration key with `events:read` those of the profiles linked to its integration. Oldest first; every filter is optional.",
  request: { query: ListEventsQuery },
  responses: {
    200: listResponse(EventSchema, "One page of events.", EVENT_EXAMPLE),
    ...errorResponses(),
  },
});

export const getEvent = createRoute({
  method: "get",
  path: "/events/{uid}",
  operationId: "getEvent",
  tags,
  summary: "Get an event",
  description:
    "Admin keys, and integration keys with `events:read` for events of linked profiles. This is also the body of `event.*` webhooks.",
  request: { params: EventUidParams },
  responses: {
    200: dataResponse(EventSchema, "The event.", EVENT_EXAMPLE),
    ...errorResponses(404),
  },
});

export const updateEvent = createRoute({
  method: "patch",
  path: "/events/{uid}",
  operationId: "updateEvent",
  tags,
  summary: "Update an event",
  description:
    "Admin key only. Every property optional. `fields` replaces the whole form; fields locked by the active integration must be sent unchanged (409 otherwise). A capacity below the guest count is a 409. Fires `event.update`.",
  request: { params: EventUidParams, body: jsonBody(UpdateEventBody) },
  responses: {
    200: dataResponse(EventSchema, "The updated event.", { ...EVENT_EXAMPLE, capacity: 600 }),
    ...errorResponses(404, 409, 413),
  },
});

export const deleteEvent = createRoute({
  method: "delete",
  path: "/events/{uid}",
  operationId: "deleteEvent",
  tags,
  summary: "Delete an event",
  description:
    "Admin key only. Deletes the event's attendees with it and fires `event.delete` (no `guest.delete` per attendee).",
  request: { params: EventUidParams },
  responses: { 204: noContent("Deleted."), ...errorResponses(404) },
});

export const getEventFields = createRoute({
  method: "get",
  path: "/events/{uid}/fields",
  operationId: "getEventFields",
  tags,
  summary: "The event's registration form",
  description:
    "The fields an attendee's `fields` object is checked against, in order, locked ones included.",
  request: { params: EventUidParams },
  responses: {
    200: jsonContent(FieldsListSchema, "The form's fields, in order.", {
      data: EVENT_EXAMPLE.fields,
    }),
    ...errorResponses(404),
  },
});
