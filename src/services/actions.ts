import { runWrites } from "../db/batch";
import type { AttendeeRow } from "../db/queries/attendees";
import type { DeliveryRow } from "../db/queries/deliveries";
import type { EventRow } from "../db/queries/events";
import {
  attendeeWithRoute,
  eventWithRoute,
  eventWithRouteAndAttendees,
} from "../db/queries/routing";
import { insertTriggers, markTriggersProcessed } from "../db/queries/triggers";
import { deliveryCountOf, fanOut, fanOutInserts } from "../delivery/fanout";
import { queueDeliveries, triggerRow } from "../delivery/outbox";
import type { Deps } from "../deps";
import { serializeAttendee } from "../domain/attendee";
import { serializeEvent } from "../domain/event";
import { type Pagination, pageWindow } from "../domain/pagination";
import { type Route, routeOf } from "../domain/routing";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import { confirmed } from "./read";

/**
 * Manual actions (API.md §6): `event.manual` and `guest.manual` webhooks fire only when an
 * organiser presses them, on one event or attendee. They are routed and fanned out by the same
 * code as every trigger, in the request, so the answer can carry the delivery.
 */

export type ActionSubject = { kind: "event" | "attendee"; uid: string };

type ManualTrigger = "event.manual" | "guest.manual";

const manualTrigger = (kind: ActionSubject["kind"]): ManualTrigger =>
  kind === "event" ? "event.manual" : "guest.manual";

/**
 * The event (and attendee) an action is about with the route of a manual trigger (by default the
 * subject's own; an event's attendees are offered `guest.manual`), or 404.
 */
async function subjectWithRoute(
  deps: Deps,
  accountId: string,
  subject: ActionSubject,
  trigger = manualTrigger(subject.kind),
) {
  const found =
    subject.kind === "event"
      ? await confirmed(deps, async () => {
          const read = await eventWithRoute(deps.db, { accountId, eventId: subject.uid, trigger });
          return read && { ...read, attendee: null };
        })
      : await confirmed(deps, () =>
          attendeeWithRoute(deps.db, { accountId, attendeeId: subject.uid, trigger }),
        );
  if (!found) throw notFound(subject.kind === "event" ? "Event" : "Attendee");
  return { ...found, trigger, route: routeOf(found.context, found.applying, found.event.id) };
}

/**
 * One page of the manual webhooks that apply to this event or attendee, oldest first; for an
 * event, `guest.manual` lists those its attendees can run.
 */
export async function listActions(
  deps: Deps,
  accountId: string,
  subject: ActionSubject,
  page: Pagination,
  trigger?: ManualTrigger,
) {
  const all = (await subjectWithRoute(deps, accountId, subject, trigger)).route?.webhooks ?? [];
  const { limit, offset } = pageWindow(page);
  return { rows: all.slice(offset, offset + limit), total: all.length };
}

/**
 * Fires a manual webhook: the trigger (with the current representation) and its delivery are
 * written in one batch, then the delivery is queued. A webhook that does not apply is a 404.
 */
export async function runAction(
  deps: Deps,
  accountId: string,
  subject: ActionSubject,
  webhookId: string,
) {
  const { event, attendee, trigger, route } = await subjectWithRoute(deps, accountId, subject);
  const [fired] = await fire(deps, { accountId, trigger, event, route, webhookId }, [
    attendee ? { uid: attendee.id, snapshot: serializeAttendee(attendee, event) } : null,
  ]);
  return (fired as Fired).delivery;
}

/** At most this many attendees per bulk manual action. */
export const MAX_BULK_ATTENDEES = 500;

/**
 * Fires a `guest.manual` webhook once for each of a selection of the event's attendees: one
 * trigger and one delivery each, written together (two batches side by side, as one action's).
 * A uid that is not an attendee of the event is a 422 naming it, and nothing is fired.
 */
export async function runActionOnAttendees(
  deps: Deps,
  accountId: string,
  eventId: string,
  webhookId: string,
  guestUids: readonly string[],
) {
  const attendeeIds = [...new Set(guestUids)];
  const trigger = "guest.manual" as const;
  const read = () =>
    eventWithRouteAndAttendees(deps.db, { accountId, eventId, trigger, attendeeIds });
  let found = await confirmed(deps, read);
  if (!found) throw notFound("Event");
  // A replica may not have an attendee created a moment ago: ask the primary before refusing.
  if (found.attendees.length < attendeeIds.length) found = (await deps.onPrimary(read)) ?? found;
  const { event } = found;
  const route = routeOf(found.context, found.applying, event.id);
  const byId = new Map(found.attendees.map((attendee) => [attendee.id, attendee]));
  const details = guestUids.flatMap((uid, i) =>
    byId.has(uid)
      ? []
      : [{ path: `guest_uids.${i}`, message: `No attendee ${uid} in this event.` }],
  );
  if (details.length > 0) {
    throw new ApiError("UNPROCESSABLE", "Every guest uid must be an attendee of the event.", {
      details,
    });
  }
  const subjects = attendeeIds.map((id) => {
    const attendee = byId.get(id) as AttendeeRow;
    return { uid: id, snapshot: serializeAttendee(attendee, event) };
  });
  return fire(deps, { accountId, trigger, event, route, webhookId }, subjects);
}

type Fired = { subjectUid: string; triggerId: string; delivery: DeliveryRow };

/**
 * One trigger per subject (an attendee, or null: the event itself) for the named webhook, each
 * fanned out at once: the triggers (DB) and their deliveries (the delivery log) side by side,
 * one batch each. If only the triggers land, the request fails and nothing is sent; if only the
 * deliveries land, the request fails too, yet each delivery is complete (its body fixed) and the
 * sweeper sends it. 404 when the webhook does not apply to the event.
 */
async function fire(
  deps: Deps,
  action: {
    accountId: string;
    trigger: ManualTrigger;
    event: EventRow;
    route: Route | null;
    webhookId: string;
  },
  subjects: readonly ({ uid: string; snapshot: Record<string, unknown> } | null)[],
): Promise<Fired[]> {
  const { event, route, webhookId } = action;
  if (!route?.webhooks.some((webhook) => webhook.id === webhookId)) {
    throw notFound("Manual action");
  }
  const fired = subjects.map((subject) => {
    const row = triggerRow(deps, {
      accountId: action.accountId,
      trigger: action.trigger,
      profileId: event.profileId,
      eventId: event.id,
      entityUid: subject?.uid ?? event.id,
      snapshot: subject?.snapshot ?? serializeEvent(event),
      webhookId,
    });
    return { row, fanned: fanOut(deps, row, route, event) };
  });
  const processed = fired.map(({ row, fanned }) => ({
    id: row.id,
    outcome: "fired",
    deliveryCount: deliveryCountOf(fanned),
  }));
  await Promise.all([
    runWrites(deps.db, [
      ...insertTriggers(fired.map(({ row }) => row)),
      ...markTriggersProcessed(processed, iso(deps.now())),
    ]),
    runWrites(
      deps.deliveriesDb,
      fanOutInserts(
        deps,
        fired.map(({ fanned }) => fanned),
      ),
    ),
  ]);
  queueDeliveries(
    deps,
    fired.flatMap(({ fanned }) => fanned.deliveries.map(({ delivery }) => delivery.id)),
  );
  // The webhook is named: each subject's delivery, or the failed one of a template that did not render.
  return fired.map(({ row, fanned }) => ({
    subjectUid: row.entityUid,
    triggerId: row.id,
    delivery: (fanned.deliveries[0]?.delivery ?? fanned.unrendered[0]?.delivery) as DeliveryRow,
  }));
}
