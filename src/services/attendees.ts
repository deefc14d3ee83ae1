import type { Database } from "../db/client";
import {
  ATTENDEE_CHANGED,
  type AttendeeRow,
  CAPACITY_EXCEEDED,
  countGuestIn,
  countGuestOut,
  deleteAttendee as deleteAttendeeRow,
  insertAttendee,
  listAttendees,
  type PageRouting,
  updateAttendee,
} from "../db/queries/attendees";
import { type EventRow, findEvent } from "../db/queries/events";
import { recordTrigger } from "../delivery/outbox";
import { ApiError, type ErrorDetail, notFound } from "../errors";
import { newId } from "../lib/ids";
import { nowIso, toStoredTime } from "../lib/time";
import {
  type CreateAttendeeInput,
  type PaymentInput,
  serializeAttendee,
  type UpdateAttendeeInput,
} from "../routes/attendees/attendees.schemas";
import type { Pagination } from "../routes/common.schemas";
import type { ReaderScope } from "./access";
import { failedWith, retryWhenChanged } from "./compare-and-set";
import { compactFields, mergeFields, validateFields } from "./form";
import { mapAttendeesForIntegration } from "./integrations";

const money = (value: number) => Math.round(value * 100) / 100;

function unprocessable(details: ErrorDetail[]): ApiError {
  return new ApiError("UNPROCESSABLE", "The attendee does not fit the event's form.", { details });
}

function checkLanguage(event: EventRow, language: string) {
  if (!event.languages.includes(language)) {
    throw unprocessable([
      {
        path: "language",
        message: `Not a language of this event (${event.languages.join(", ")}).`,
      },
    ]);
  }
}

/** Paid once the payments cover the total; Partial before that; untouched while nothing is paid. */
function paymentStatusOf(
  row: Pick<AttendeeRow, "paymentAmount" | "amountTaxIncl" | "paymentStatus">,
) {
  if (row.paymentAmount <= 0) return row.paymentStatus;
  return row.paymentAmount >= row.amountTaxIncl ? "Paid" : "Partial";
}

const fullEvent = () =>
  new ApiError("CONFLICT", "The event is full.", {
    details: [{ path: "event_uid", message: "The event's capacity is reached." }],
  });

/**
 * Registers an attendee: values checked against the form (422), language against the event's,
 * capacity enforced atomically (409); guest_count and the guest.create trigger in the same batch.
 */
export async function createAttendee(db: Database, accountId: string, input: CreateAttendeeInput) {
  const event = await findEvent(db, accountId, input.event_uid);
  if (!event) {
    throw new ApiError("NOT_FOUND", "Event not found.", {
      details: [{ path: "event_uid", message: "No event with this uid in the account." }],
    });
  }
  const language = input.language ?? event.languages[0] ?? "en";
  checkLanguage(event, language);
  const problems = validateFields(event.fields, input.fields);
  if (problems.length > 0) throw unprocessable(problems);
  if (event.capacity !== null && event.guestCount >= event.capacity) throw fullEvent();

  const now = nowIso();
  const amountTaxExcl = money(input.amount_tax_excl ?? 0);
  const amountTax = money(input.amount_tax ?? 0);
  const attendee: AttendeeRow = {
    id: newId("gst"),
    accountId,
    eventId: event.id,
    profileId: event.profileId,
    language,
    registrationStatus: input.registration_status ?? "Complete",
    paymentStatus: "Unpaid",
    paymentMethod: null,
    paymentDate: null,
    paymentAmount: 0,
    amountTaxExcl,
    amountTax,
    amountTaxIncl: money(amountTaxExcl + amountTax),
    checkIns: 0,
    firstCheckInAt: null,
    fields: compactFields(input.fields),
    createdAt: now,
    updatedAt: now,
  };
  const trigger = recordTrigger(db, {
    accountId,
    trigger: "guest.create",
    profileId: event.profileId,
    eventId: event.id,
    entityUid: attendee.id,
    snapshot: serializeAttendee(attendee, event),
  });
  try {
    await db.batch([countGuestIn(db, event.id), insertAttendee(db, attendee), trigger.statement]);
  } catch (error) {
    if (failedWith(error, CAPACITY_EXCEEDED)) throw fullEvent();
    throw error;
  }
  return { attendee, event: { ...event, guestCount: event.guestCount + 1 }, triggerId: trigger.id };
}

/**
 * An attendee with its event (and, for an integration key, its routing context), if the scope may
 * read it; else 404. The page of one guest: a single round trip, scoped like the list.
 */
export async function getReadableAttendee(db: Database, scope: ReaderScope, uid: string) {
  const { items, routing } = await listReadableAttendees(db, scope, {
    guest_uid: uid,
    page: 1,
    page_size: 1,
  });
  const [item] = items;
  if (!item) throw notFound("Attendee");
  return { ...item, routing };
}

/** An attendee of the account with its event (one round trip), else 404. */
export async function getAttendee(db: Database, accountId: string, uid: string) {
  return getReadableAttendee(db, { accountId, profileIds: null, integration: null }, uid);
}

/** One page of attendees the scope may read, each with its event (to serialize it). */
export async function listReadableAttendees(
  db: Database,
  scope: ReaderScope,
  query: Pagination & { event_uid?: string; guest_uid?: string; registration_status?: string },
) {
  const { rows, total, events, routing } = await listAttendees(
    db,
    {
      accountId: scope.accountId,
      profileIds: scope.profileIds,
      eventId: query.event_uid,
      uid: query.guest_uid,
      registrationStatus: query.registration_status,
      updatedSince: query.updated_since ? toStoredTime(query.updated_since) : undefined,
    },
    query,
    scope.integration !== null,
  );
  const eventsById = new Map(events.map((event) => [event.id, event]));
  const items = rows.flatMap((attendee) => {
    const event = eventsById.get(attendee.eventId);
    return event ? [{ attendee, event }] : [];
  });
  return { items, total, routing };
}

/** Applies a PATCH: `fields` merged into the stored values (null clears), then checked (422). */
export async function patchAttendee(
  db: Database,
  accountId: string,
  uid: string,
  input: UpdateAttendeeInput,
) {
  return retryWhenChanged(ATTENDEE_CHANGED, "attendee", async () => {
    const { attendee, event } = await getAttendee(db, accountId, uid);
    if (input.language !== undefined) checkLanguage(event, input.language);
    let fields = attendee.fields;
    if (input.fields) {
      const merged = mergeFields(event.fields, attendee.fields, input.fields);
      if (merged.details.length > 0) throw unprocessable(merged.details);
      fields = compactFields(merged.values);
    }
    const amountTaxExcl = money(input.amount_tax_excl ?? attendee.amountTaxExcl);
    const amountTax = money(input.amount_tax ?? attendee.amountTax);
    const amountTaxIncl = money(amountTaxExcl + amountTax);
    const changes = {
      language: input.language ?? attendee.language,
      registrationStatus: input.registration_status ?? attendee.registrationStatus,
      amountTaxExcl,
      amountTax,
      amountTaxIncl,
      paymentStatus: paymentStatusOf({ ...attendee, amountTaxIncl }),
      fields,
      updatedAt: nowIso(),
    };
    return saveUpdate(db, { attendee, event, changes });
  });
}

/** Records a payment; fires guest.update with cause "payment" (the override decides if it sends). */
export async function addPayment(
  db: Database,
  accountId: string,
  uid: string,
  input: PaymentInput,
) {
  return retryWhenChanged(ATTENDEE_CHANGED, "attendee", async () => {
    const { attendee, event } = await getAttendee(db, accountId, uid);
    const paymentAmount = money(attendee.paymentAmount + input.amount);
    const changes = {
      paymentAmount,
      paymentMethod: input.method,
      paymentDate: toStoredTime(input.paid_at ?? nowIso()),
      paymentStatus: paymentStatusOf({ ...attendee, paymentAmount }),
      updatedAt: nowIso(),
    };
    return saveUpdate(db, { attendee, event, changes, cause: "payment" });
  });
}

/**
 * Writes an attendee's changes (only if nobody changed it since it was read) with its
 * guest.update trigger in the same batch.
 */
async function saveUpdate(
  db: Database,
  input: {
    attendee: AttendeeRow;
    event: EventRow;
    changes: Partial<AttendeeRow> & { updatedAt: string };
    cause?: string;
  },
) {
  const { attendee, event, changes } = input;
  const updated: AttendeeRow = { ...attendee, ...changes };
  const trigger = recordTrigger(db, {
    accountId: attendee.accountId,
    trigger: "guest.update",
    profileId: attendee.profileId,
    eventId: attendee.eventId,
    entityUid: attendee.id,
    snapshot: serializeAttendee(updated, event),
    cause: input.cause,
  });
  await db.batch([updateAttendee(db, attendee.id, changes, attendee.updatedAt), trigger.statement]);
  return { attendee: updated, event, triggerId: trigger.id };
}

/** Deletes an attendee; guest_count and the guest.delete trigger (last state) in the same batch. */
export async function deleteAttendee(db: Database, accountId: string, uid: string) {
  const { attendee, event } = await getAttendee(db, accountId, uid);
  const trigger = recordTrigger(db, {
    accountId,
    trigger: "guest.delete",
    profileId: attendee.profileId,
    eventId: attendee.eventId,
    entityUid: attendee.id,
    snapshot: serializeAttendee(attendee, event),
  });
  await db.batch([
    countGuestOut(db, event.id, attendee.id),
    deleteAttendeeRow(db, attendee.id),
    trigger.statement,
  ]);
  return { triggerId: trigger.id };
}

export type PresentOptions = {
  /** `ignore_fields_mapping=1`: native fields even for an integration key. */
  ignoreMapping: boolean;
  /** `fields=a,b,c`: keep only these keys (unknown names are simply absent). */
  only?: string[];
};

/**
 * Attendees as a reader gets them from GET /v1/attendees[/{uid}]: mapped for an integration key
 * (API.md §5, by the `routing` read with them) unless `ignoreMapping`, then cut to `only`.
 */
export function presentAttendees(
  scope: ReaderScope,
  items: { attendee: AttendeeRow; event: EventRow }[],
  options: PresentOptions & { routing?: PageRouting },
): Record<string, unknown>[] {
  const native = items.map((item) => serializeAttendee(item.attendee, item.event));
  const bodies =
    scope.integration && !options.ignoreMapping
      ? mapAttendeesForIntegration({
          attendees: native,
          integration: scope.integration,
          routing: routingOf(options.routing),
        })
      : native;
  const keep = options.only && new Set(options.only);
  if (!keep) return bodies;
  return bodies.map((body) =>
    Object.fromEntries(Object.entries(body).filter(([k]) => keep.has(k))),
  );
}

/** An integration key's reads load their routing with the attendees (`listAttendees`). */
function routingOf(routing: PageRouting | undefined): PageRouting {
  if (!routing) throw new Error("an integration key's read came without its routing context");
  return routing;
}

/** `fields=a, b,c` as a list of names; undefined when absent or empty. */
export function parseFieldSelection(fields: string | undefined): string[] | undefined {
  const names = fields
    ?.split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return names?.length ? names : undefined;
}
