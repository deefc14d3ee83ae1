import { runBatch } from "../db/batch";
import { attendeeWithRoute, eventWithRoute } from "../db/queries/routing";
import { insertTrigger, markTriggerProcessed } from "../db/queries/triggers";
import { fanOut } from "../delivery/fanout";
import { queueDeliveries, triggerRow } from "../delivery/outbox";
import type { Deps } from "../deps";
import { serializeAttendee } from "../domain/attendee";
import { serializeEvent } from "../domain/event";
import { type Pagination, pageWindow } from "../domain/pagination";
import { routeOf } from "../domain/routing";
import { notFound } from "../errors";
import { confirmed } from "./read";

/**
 * Manual actions (API.md §6): `event.manual` and `guest.manual` webhooks fire only when an
 * organiser presses them, on one event or attendee. They are routed and fanned out by the same
 * code as every trigger, in the request, so the answer can carry the delivery.
 */

export type ActionSubject = { kind: "event" | "attendee"; uid: string };

const manualTrigger = (kind: ActionSubject["kind"]) =>
  kind === "event" ? ("event.manual" as const) : ("guest.manual" as const);

/** The event (and attendee) an action is about with the route of its manual trigger, or 404. */
async function subjectWithRoute(deps: Deps, accountId: string, subject: ActionSubject) {
  const trigger = manualTrigger(subject.kind);
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

/** One page of the manual webhooks that apply to this event or attendee, oldest first. */
export async function listActions(
  deps: Deps,
  accountId: string,
  subject: ActionSubject,
  page: Pagination,
) {
  const all = (await subjectWithRoute(deps, accountId, subject)).route?.webhooks ?? [];
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
  if (!route?.webhooks.some((webhook) => webhook.id === webhookId)) {
    throw notFound("Manual action");
  }
  const row = triggerRow(deps, {
    accountId,
    trigger,
    profileId: event.profileId,
    eventId: event.id,
    entityUid: attendee ? attendee.id : event.id,
    snapshot: attendee ? serializeAttendee(attendee, event) : serializeEvent(event),
    webhookId,
  });
  const { inserts, deliveries, unrendered } = fanOut(deps, row, route, event);
  const processed = markTriggerProcessed(deps.db, row.id, row.createdAt);
  // The trigger (DB) and its delivery (the delivery log) side by side, one batch each: if only the
  // trigger's lands, the request fails and nothing is sent; if only the delivery's lands, the
  // request fails too, yet the delivery is complete (its body fixed) and the sweeper sends it.
  await Promise.all([
    deps.db.batch([insertTrigger(deps.db, row), processed]),
    runBatch(deps.deliveriesDb, inserts),
  ]);
  queueDeliveries(
    deps,
    deliveries.map(({ delivery }) => delivery.id),
  );
  // One webhook is named: its delivery, or the failed one of a template that did not render.
  const fired = deliveries[0]?.delivery ?? unrendered[0];
  if (!fired) throw notFound("Manual action");
  return fired;
}
