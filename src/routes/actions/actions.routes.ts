import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { AttendeeUidParams } from "../attendees/attendees.schemas";
import { dataOf, jsonContent, listOf, PageQuery } from "../common.schemas";
import { DeliverySchema } from "../deliveries/deliveries.schemas";
import { EventUidParams } from "../events/events.schemas";
import { AttendeeActionParams, EventActionParams, ManualActionSchema } from "./actions.schemas";

const tags = ["Manual actions"];

const listDescription = (trigger: string) =>
  `The enabled \`${trigger}\` webhooks of the integration that applies to the event (its override, else the profile's active one, with webhooks enabled) whose \`event_uids\` cover it. Each is an action labelled by the webhook's name.`;

const runDescription = (trigger: string, what: string) =>
  `Fires the \`${trigger}\` webhook with the ${what}'s current representation: a delivery is recorded and queued at once. 404 when the webhook is not a manual action that applies here.`;

export const listEventActions = createRoute({
  method: "get",
  path: "/events/{uid}/actions",
  tags,
  summary: "Manual actions available on an event",
  description: listDescription("event.manual"),
  request: { params: EventUidParams, query: PageQuery },
  responses: {
    200: jsonContent(listOf(ManualActionSchema), "The actions."),
    ...errorResponses(),
  },
});

export const listAttendeeActions = createRoute({
  method: "get",
  path: "/attendees/{uid}/actions",
  tags,
  summary: "Manual actions available on an attendee",
  description: listDescription("guest.manual"),
  request: { params: AttendeeUidParams, query: PageQuery },
  responses: {
    200: jsonContent(listOf(ManualActionSchema), "The actions."),
    ...errorResponses(),
  },
});

export const runEventAction = createRoute({
  method: "post",
  path: "/events/{uid}/actions/{webhook_id}",
  tags,
  summary: "Run a manual action on an event",
  description: runDescription("event.manual", "event"),
  request: { params: EventActionParams },
  responses: {
    202: jsonContent(dataOf(DeliverySchema), "The queued delivery."),
    ...errorResponses(),
  },
});

export const runAttendeeAction = createRoute({
  method: "post",
  path: "/attendees/{uid}/actions/{webhook_id}",
  tags,
  summary: "Run a manual action on an attendee",
  description: runDescription("guest.manual", "attendee"),
  request: { params: AttendeeActionParams },
  responses: {
    202: jsonContent(dataOf(DeliverySchema), "The queued delivery."),
    ...errorResponses(),
  },
});
