import { createRoute } from "@hono/zod-openapi";
import { idempotent } from "../../middleware/idempotency";
import { errorResponses } from "../../openapi/components";
import { AttendeeUidParams } from "../attendees/attendees.schemas";
import {
  dataResponse,
  IdempotencyHeaders,
  jsonBody,
  listResponse,
  PageQuery,
} from "../common.schemas";
import { DELIVERY_EXAMPLE, DeliverySchema } from "../deliveries/deliveries.schemas";
import { EventUidParams } from "../events/events.schemas";
import {
  AttendeeActionParams,
  EventActionParams,
  MANUAL_ACTION_EXAMPLE,
  ManualActionSchema,
  RUN_ON_ATTENDEE_EXAMPLE,
  RunOnAttendeeSchema,
  RunOnAttendeesBody,
} from "./actions.schemas";

const tags = ["Manual actions"];

const listDescription = (trigger: string) =>
  `The enabled \`${trigger}\` webhooks of the integration that applies to the event (its override, else the profile's active one, with webhooks enabled) whose \`event_uids\` cover it. Each is an action labelled by the webhook's name.`;

// A press whose answer was lost must not send the action twice: the console retries with its key.
const RETRY_SAFELY =
  "Accepts `idempotency-key`: the same key within 24 hours answers the first run again (`idempotent-replayed: true`) instead of sending again.";

const runDescription = (trigger: string, what: string) =>
  `Fires the \`${trigger}\` webhook with the ${what}'s current representation: a delivery is recorded and queued at once. 404 when the webhook is not a manual action that applies here. Takes no body. ${RETRY_SAFELY}`;

const queued = (trigger: string, entityUid: string) => ({
  ...DELIVERY_EXAMPLE,
  webhook_id: MANUAL_ACTION_EXAMPLE.webhook_id,
  trigger,
  entity_uid: entityUid,
  status: "pending",
  attempt_count: 0,
  next_attempt_at: DELIVERY_EXAMPLE.created_at,
  updated_at: DELIVERY_EXAMPLE.created_at,
});

export const listEventActions = createRoute({
  method: "get",
  path: "/events/{uid}/actions",
  operationId: "listEventActions",
  tags,
  summary: "Manual actions available on an event",
  description: listDescription("event.manual"),
  request: { params: EventUidParams, query: PageQuery },
  responses: {
    200: listResponse(ManualActionSchema, "One page of actions.", MANUAL_ACTION_EXAMPLE),
    ...errorResponses(404),
  },
});

export const listAttendeeActions = createRoute({
  method: "get",
  path: "/attendees/{uid}/actions",
  operationId: "listAttendeeActions",
  tags,
  summary: "Manual actions available on an attendee",
  description: listDescription("guest.manual"),
  request: { params: AttendeeUidParams, query: PageQuery },
  responses: {
    200: listResponse(ManualActionSchema, "One page of actions.", MANUAL_ACTION_EXAMPLE),
    ...errorResponses(404),
  },
});

export const runEventAction = createRoute({
  method: "post",
  path: "/events/{uid}/actions/{webhook_id}",
  operationId: "runEventAction",
  tags,
  summary: "Run a manual action on an event",
  description: runDescription("event.manual", "event"),
  middleware: [idempotent] as const,
  request: { params: EventActionParams, headers: IdempotencyHeaders },
  responses: {
    202: dataResponse(
      DeliverySchema,
      "The queued delivery.",
      queued("event.manual", DELIVERY_EXAMPLE.event_uid),
    ),
    ...errorResponses(404, 409, 413),
  },
});

export const runAttendeeAction = createRoute({
  method: "post",
  path: "/attendees/{uid}/actions/{webhook_id}",
  operationId: "runAttendeeAction",
  tags,
  summary: "Run a manual action on an attendee",
  description: runDescription("guest.manual", "attendee"),
  middleware: [idempotent] as const,
  request: { params: AttendeeActionParams, headers: IdempotencyHeaders },
  responses: {
    202: dataResponse(
      DeliverySchema,
      "The queued delivery.",
      queued("guest.manual", DELIVERY_EXAMPLE.entity_uid),
    ),
    ...errorResponses(404, 409, 413),
  },
});

export const listEventAttendeeActions = createRoute({
  method: "get",
  path: "/events/{uid}/attendee-actions",
  operationId: "listEventAttendeeActions",
  tags,
  summary: "Manual actions available on an event's attendees",
  description: `${listDescription("guest.manual")} What a selection of the event's attendees can run.`,
  request: { params: EventUidParams, query: PageQuery },
  responses: {
    200: listResponse(ManualActionSchema, "One page of actions.", MANUAL_ACTION_EXAMPLE),
    ...errorResponses(404),
  },
});

export const runActionOnAttendees = createRoute({
  method: "post",
  path: "/events/{uid}/attendee-actions/{webhook_id}",
  operationId: "runActionOnAttendees",
  tags,
  summary: "Run a manual action on a selection of attendees",
  description: `Fires the \`guest.manual\` webhook once for each attendee named in \`guest_uids\` (up to 500, all of this event): one trigger and one delivery each, recorded together and queued at once. 404 when the webhook is not a manual action that applies to the event; 422 naming \`guest_uids.N\` when a uid is not an attendee of the event (nothing runs then). ${RETRY_SAFELY}`,
  middleware: [idempotent] as const,
  request: {
    params: EventActionParams,
    headers: IdempotencyHeaders,
    body: jsonBody(RunOnAttendeesBody),
  },
  responses: {
    202: dataResponse(
      RunOnAttendeeSchema.array(),
      "What ran, in the order given: each attendee's trigger and queued delivery.",
      [
        {
          ...RUN_ON_ATTENDEE_EXAMPLE,
          delivery: queued("guest.manual", DELIVERY_EXAMPLE.entity_uid),
        },
      ],
    ),
    ...errorResponses(404, 409, 413, 422),
  },
});
