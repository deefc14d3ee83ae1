import type { Statement } from "../db/batch";
import { failedWith } from "../db/failed-with";
import {
  ATTENDEE_CHANGED,
  type AttendeeRow,
  CAPACITY_EXCEEDED,
  countGuestIn,
  countGuestInAsRemembered,
  countGuestOut,
  deleteAttendee as deleteAttendeeRow,
  insertAttendee,
  listAttendees,
  type PageRouting,
  updateAttendee,
} from "../db/queries/attendees";
import { EVENT_NOT_AS_REMEMBERED, type EventRow, findEvent } from "../db/queries/events";
import { commitChange, type TriggerInput } from "../delivery/outbox";
import type { Deps } from "../deps";
import {
  type CreateAttendeeInput,
  type PaymentInput,
  serializeAttendee,
  type UpdateAttendeeInput,
} from "../domain/attendee";
import { type Pagination, pageWindow } from "../domain/pagination";
import { mapForReader } from "../domain/routing";
import { ApiError, type ErrorDetail, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso, toStoredTime } from "../lib/time";
import { type AccessScope, accountScope, canSeeProfile } from "./access";
import { retryWhenChanged } from "./compare-and-set";
import { compactFields, mergeFields, validateFields } from "./form";
import { forgetEvent, knownEvent, rememberEvent } from "./known-events";
import { confirmed } from "./read";

const money = (value: number) => Math.round(value * 100) / 100;

function unprocessable(details: ErrorDetail[]): ApiError {
  return new ApiError("UNPROCESSABLE", "The attendee does not fit the event's form.", { details });
}

function languageProblem(event: EventRow): ErrorDetail {
  return {
    path: "language",
    message: `Not a language of this event (${event.languages.join(", ")}).`,
  };
}

function checkLanguage(event: EventRow, language: string) {
  if (!event.languages.includes(language)) throw unprocessable([languageProblem(event)]);
}

/** Paid once the payments cover the total; Partial before that; untouched while nothing is paid. */
function paymentStatusOf(
  row: Pick<AttendeeRow, "paymentAmount" | "amountTaxIncl" | "paymentStatus">,
) {
  if (row.paymentAmount <= 0) return row.paymentStatus;
  return row.paymentAmount >= row.amountTaxIncl ? "Paid" : "Partial";
}

/** The trigger of an attendee change, with the attendee as the API shows it natively. */
function attendeeTrigger(
  trigger: TriggerInput["trigger"],
  attendee: AttendeeRow,
  event: EventRow,
  cause?: string,
  snapshot: Record<string, unknown> = serializeAttendee(attendee, event),
): TriggerInput {
  return {
    accountId: attendee.accountId,
    trigger,
    profileId: attendee.profileId,
    eventId: attendee.eventId,
    entityUid: attendee.id,
    snapshot,
    cause,
  };
}

const fullEvent = () =>
  new ApiError("CONFLICT", "The event is full.", {
    details: [{ path: "event_uid", message: "The event's capacity is reached." }],
  });

/**
 * Registers an attendee: values checked against the form (422), language against the event's,
 * capacity enforced atomically (409); guest_count and the guest.create trigger in the same batch.
 * An event this isolate has read before is not read again: the batch checks it is still as
 * remembered (one round trip in all, src/services/known-events.ts), else it is read and the
 * create made from what the read found.
 */
export async function createAttendee(deps: Deps, scope: AccessScope, input: CreateAttendeeInput) {
  const remembered = knownEvent(scope.accountId, input.event_uid);
  const tried = remembered && (await registerAsRemembered(deps, scope, input, remembered));
  if (tried && tried !== "changed") return tried;
  // After a refused guard the replica may still hold the event as remembered: ask the primary.
  const read = () => findEvent(deps.db, scope.accountId, input.event_uid);
  const event = await (tried === "changed" ? deps.onPrimary(read) : confirmed(deps, read));
  // An integration key writes only to the events of its linked profiles; others do not exist for it.
  if (!event || !canSeeProfile(scope, event.profileId)) {
    throw new ApiError("NOT_FOUND", "Event not found.", {
      details: [{ path: "event_uid", message: "No event with this uid in the account." }],
    });
  }
  rememberEvent(event);
  const { language, problems } = fitToForm(event, input);
  if (problems.length > 0) throw unprocessable(problems);
  if (event.capacity !== null && event.guestCount >= event.capacity) throw fullEvent();
  return register(deps, event, input, language, countGuestIn(deps.db, event.id));
}

/**
 * The create from a remembered event; undefined when its remembered form refuses the input (read
 * it again), "changed" when the primary holds it changed, gone or out of reach (read it there).
 */
async function registerAsRemembered(
  deps: Deps,
  scope: AccessScope,
  input: CreateAttendeeInput,
  event: EventRow,
) {
  // A remembered form may be older than the event's: what it refuses is checked on a fresh read.
  const { language, problems } = fitToForm(event, input);
  if (problems.length > 0) return undefined;
  const count = countGuestInAsRemembered(deps.db, event, scope.integrationId);
  try {
    return await register(deps, event, input, language, count);
  } catch (error) {
    if (!failedWith(error, EVENT_NOT_AS_REMEMBERED)) throw error;
    forgetEvent(event);
    return "changed" as const;
  }
}

/** The language the attendee gets, and what the event's form finds wrong (the language alone first). */
function fitToForm(event: EventRow, input: CreateAttendeeInput) {
  const language = input.language ?? event.languages[0] ?? "en";
  if (!event.languages.includes(language)) {
    return { language, problems: [languageProblem(event)] };
  }
  return { language, problems: validateFields(event.fields, input.fields) };
}

/** The attendee's row, written after `count` (its guest counted in) with its guest.create trigger. */
async function register(
  deps: Deps,
  event: EventRow,
  input: CreateAttendeeInput,
  language: string,
  count: Statement,
) {
  const { db } = deps;
  const now = iso(deps.now());
  const amountTaxExcl = money(input.amount_tax_excl ?? 0);
  const amountTax = money(input.amount_tax ?? 0);
  const attendee: AttendeeRow = {
    id: newId("gst"),
    accountId: event.accountId,
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
  // The native attendee is both the trigger's snapshot and the answer: serialized once.
  const body = serializeAttendee(attendee, event);
  try {
    await commitChange(
      deps,
      [count, insertAttendee(db, attendee)],
      [attendeeTrigger("guest.create", attendee, event, undefined, body)],
    );
  } catch (error) {
    if (failedWith(error, CAPACITY_EXCEEDED)) throw fullEvent();
    throw error;
  }
  return { attendee, body };
}

/**
 * An attendee with its event (and, for an integration key, its routing context), if the scope may
 * read it; else 404. The page of one guest: a single round trip, scoped like the list.
 */
export async function getReadableAttendee(deps: Deps, scope: AccessScope, uid: string) {
  const found = await confirmed(deps, async () => {
    const { items, routing } = await listReadableAttendees(deps, scope, {
      guest_uid: uid,
      page: 1,
      page_size: 1,
    });
    return items[0] && { ...items[0], routing };
  });
  if (!found) throw notFound("Attendee");
  return found;
}

/** The filters and order of GET /v1/attendees beyond paging. */
export type AttendeeListFilters = {
  event_uid?: string;
  guest_uid?: string;
  registration_status?: string;
  /** Text the first name, last name or e-mail contains. */
  q?: string;
  /** `created_at` oldest first (the default), `-created_at` newest first. */
  sort?: "created_at" | "-created_at";
};

/** One page of attendees the scope may read, each with its event (to serialize it). */
export async function listReadableAttendees(
  deps: Deps,
  scope: AccessScope,
  query: Pagination & AttendeeListFilters,
) {
  const { rows, total, events, routing } = await listAttendees(
    deps.db,
    {
      accountId: scope.accountId,
      integrationId: scope.integrationId,
      eventId: query.event_uid,
      uid: query.guest_uid,
      registrationStatus: query.registration_status,
      updatedSince: query.updated_since ? toStoredTime(query.updated_since) : undefined,
      search: query.q,
    },
    { ...pageWindow(query), order: query.sort === "-created_at" ? "newest" : "oldest" },
    scope.integrationId !== null,
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
  deps: Deps,
  scope: AccessScope,
  uid: string,
  input: UpdateAttendeeInput,
) {
  return retryWhenChanged(deps, ATTENDEE_CHANGED, "attendee", async () => {
    const { attendee, event } = await getReadableAttendee(deps, scope, uid);
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
      updatedAt: iso(deps.now()),
    };
    return saveUpdate(deps, { attendee, event, changes });
  });
}

/** Records a payment; fires guest.update with cause "payment" (the override decides if it sends). */
export async function addPayment(deps: Deps, scope: AccessScope, uid: string, input: PaymentInput) {
  return retryWhenChanged(deps, ATTENDEE_CHANGED, "attendee", async () => {
    const { attendee, event } = await getReadableAttendee(deps, scope, uid);
    const paymentAmount = money(attendee.paymentAmount + input.amount);
    const changes = {
      paymentAmount,
      paymentMethod: input.method,
      paymentDate: input.paid_at ? toStoredTime(input.paid_at) : iso(deps.now()),
      paymentStatus: paymentStatusOf({ ...attendee, paymentAmount }),
      updatedAt: iso(deps.now()),
    };
    return saveUpdate(deps, { attendee, event, changes, cause: "payment" });
  });
}

/**
 * Writes an attendee's changes (only if nobody changed it since it was read) with its
 * guest.update trigger in the same batch.
 */
async function saveUpdate(
  deps: Deps,
  input: {
    attendee: AttendeeRow;
    event: EventRow;
    changes: Partial<AttendeeRow> & { updatedAt: string };
    cause?: string;
  },
) {
  const { attendee, event, changes } = input;
  const updated: AttendeeRow = { ...attendee, ...changes };
  await commitChange(
    deps,
    [updateAttendee(deps.db, attendee.id, changes, attendee.updatedAt)],
    [attendeeTrigger("guest.update", updated, event, input.cause)],
  );
  return { attendee: updated, event };
}

/** Deletes an attendee; guest_count and the guest.delete trigger (last state) in the same batch. */
export async function deleteAttendee(deps: Deps, accountId: string, uid: string) {
  const { attendee, event } = await getReadableAttendee(deps, accountScope(accountId), uid);
  await commitChange(
    deps,
    [countGuestOut(deps.db, event.id, attendee.id), deleteAttendeeRow(deps.db, attendee.id)],
    [attendeeTrigger("guest.delete", attendee, event)],
  );
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
  scope: AccessScope,
  items: { attendee: AttendeeRow; event: EventRow }[],
  options: PresentOptions & { routing?: PageRouting },
): Record<string, unknown>[] {
  const native = items.map((item) => serializeAttendee(item.attendee, item.event));
  const grant = scope.grant();
  const bodies =
    grant && !options.ignoreMapping
      ? mapForReader(native, grant.integration, routingOf(options.routing))
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
