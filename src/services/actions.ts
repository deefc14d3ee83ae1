import type { EventRow } from "../db/queries/events";
import { routingContext } from "../db/queries/routing";
import { insertTrigger } from "../db/queries/triggers";
import { fanOut, loadRoute } from "../delivery/fanout";
import { queueDeliveries, triggerRow } from "../delivery/outbox";
import type { Deps } from "../deps";
import { serializeAttendee } from "../domain/attendee";
import { serializeEvent } from "../domain/event";
import { notFound } from "../errors";
import { getAttendee } from "./attendees";
import { getEvent } from "./events";

/**
 * Manual actions (API.md §6): `event.manual` and `guest.manual` webhooks fire only when an
 * organiser presses them, on one event or attendee. They are routed and fanned out by the same
 * code as every trigger, in the request, so the answer can carry the delivery.
 */

export type ActionSubject = { kind: "event" | "attendee"; uid: string };

const manualTrigger = (kind: ActionSubject["kind"]) =>
  kind === "event" ? ("event.manual" as const) : ("guest.manual" as const);

/** The event (and attendee) an action is about, or 404. */
async function loadSubject(deps: Deps, accountId: string, subject: ActionSubject) {
  if (subject.kind === "event") {
    return { event: await getEvent(deps, accountId, subject.uid), attendee: null };
  }
  return getAttendee(deps, accountId, subject.uid);
}

/** Where a manual trigger of this event goes. */
async function manualRoute(deps: Deps, event: EventRow, kind: ActionSubject["kind"]) {
  const at = { accountId: event.accountId, profileId: event.profileId, eventId: event.id };
  const context = await routingContext(deps.db, at);
  return loadRoute(deps, context, at, manualTrigger(kind));
}

/** The manual webhooks that apply to this event or attendee. */
export async function listActions(deps: Deps, accountId: string, subject: ActionSubject) {
  const { event } = await loadSubject(deps, accountId, subject);
  return (await manualRoute(deps, event, subject.kind))?.webhooks ?? [];
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
  const { event, attendee } = await loadSubject(deps, accountId, subject);
  const route = await manualRoute(deps, event, subject.kind);
  if (!route?.webhooks.some((webhook) => webhook.id === webhookId)) {
    throw notFound("Manual action");
  }
  const trigger = triggerRow(deps, {
    accountId,
    trigger: manualTrigger(subject.kind),
    profileId: event.profileId,
    eventId: event.id,
    entityUid: attendee ? attendee.id : event.id,
    snapshot: attendee ? serializeAttendee(attendee, event) : serializeEvent(event),
    webhookId,
  });
  const { statements, deliveries } = fanOut(deps, trigger, route, false);
  await deps.db.batch([insertTrigger(deps.db, trigger), ...statements]);
  queueDeliveries(
    deps,
    deliveries.map(({ delivery }) => delivery.id),
  );
  const [fired] = deliveries;
  if (!fired) throw notFound("Manual action");
  return fired.delivery;
}
