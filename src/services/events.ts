import {
  deleteEventStatements,
  EVENT_CHANGED,
  type EventRow,
  findEvent,
  insertEventIfRouting,
  listEvents,
  updateEvent,
} from "../db/queries/events";
import { activeIntegrationOf, type IntegrationRow } from "../db/queries/integrations";
import { profileOf } from "../db/queries/profiles";
import { commitChange, type TriggerInput } from "../delivery/outbox";
import type { Deps } from "../deps";
import {
  type CreateEventInput,
  type FieldInput,
  serializeEvent,
  type UpdateEventInput,
} from "../domain/event";
import { withFixedFields } from "../domain/fixed-configuration";
import { type Pagination, pageWindow } from "../domain/pagination";
import { applyingIntegrationId } from "../domain/routing";
import { ApiError, type ErrorDetail, notFound } from "../errors";
import { newId } from "../lib/ids";
import { iso, toStoredTime } from "../lib/time";
import type { FormField } from "../lib/types";
import { type AccessScope, canSeeProfile } from "./access";
import { retryWhenChanged } from "./compare-and-set";
import { forgetEvent, rememberEvent } from "./known-events";
import { confirmed } from "./read";

export const DEFAULT_FORM: FormField[] = [
  { name: "email", label: "E-mail", type: "email", required: true, locked: false },
  { name: "firstname", label: "First name", type: "text", required: false, locked: false },
  { name: "lastname", label: "Last name", type: "text", required: false, locked: false },
];

function toFormField(input: FieldInput, locked: boolean): FormField {
  const field: FormField = {
    name: input.name,
    label: input.label ?? input.name,
    type: input.type,
    required: input.required ?? false,
    locked,
  };
  if (input.options) field.options = input.options;
  return field;
}

function sameDefinition(locked: FormField, input: FieldInput): boolean {
  return (
    locked.type === input.type &&
    locked.required === (input.required ?? false) &&
    JSON.stringify(locked.options ?? []) === JSON.stringify(input.options ?? [])
  );
}

/**
 * The form after a client replaces it with `next`: every currently locked field must be kept
 * with the same name, type, required and options, and stays locked (else a conflict naming it);
 * a client cannot lock a field itself (invalid). Pure, so the rule is tested on its own.
 */
export function applyFormChange(
  current: FormField[],
  next: FieldInput[],
): { fields: FormField[]; conflicts: ErrorDetail[]; invalid: ErrorDetail[] } {
  const locked = new Map(current.filter((f) => f.locked).map((f) => [f.name, f]));
  const conflicts: ErrorDetail[] = [];
  const invalid: ErrorDetail[] = [];
  const sent = new Set(next.map((f) => f.name));
  for (const name of locked.keys()) {
    if (!sent.has(name)) {
      conflicts.push({
        path: `fields.${name}`,
        message: `The field "${name}" is locked by the active integration and cannot be removed.`,
      });
    }
  }
  const fields = next.map((input, index) => {
    const lockedField = locked.get(input.name);
    if (!lockedField) {
      if (input.locked) {
        invalid.push({
          path: `fields.${index}.locked`,
          message: "Locks are set by the active integration, not by clients.",
        });
      }
      return toFormField(input, false);
    }
    if (input.locked === false || !sameDefinition(lockedField, input)) {
      conflicts.push({
        path: `fields.${input.name}`,
        message: `The field "${input.name}" is locked by the active integration: keep its type, required, options and lock.`,
      });
    }
    return toFormField(input, true);
  });
  return { fields, conflicts, invalid };
}

/** The form with the fixed fields of `integration` added and locked (§4). */
function withFixedFieldsOf(integration: IntegrationRow | undefined, form: FormField[]) {
  return integration ? withFixedFields(form, integration.fixedConfiguration.fields) : form;
}

/** The `event.update` of a form rewritten because the integration that applies changed (§4). */
export function formChangedTrigger(event: EventRow, fields: FormField[], at: string): TriggerInput {
  return eventTrigger("event.update", { ...event, fields, updatedAt: at });
}

/** The trigger of an event change, with the event as the API shows it. */
function eventTrigger(trigger: TriggerInput["trigger"], event: EventRow): TriggerInput {
  return {
    accountId: event.accountId,
    trigger,
    profileId: event.profileId,
    eventId: event.id,
    entityUid: event.id,
    snapshot: serializeEvent(event),
  };
}

/** Creates an event with the event.create trigger in the same batch. */
export function createEvent(deps: Deps, accountId: string, input: CreateEventInput) {
  return retryWhenChanged(deps, EVENT_CHANGED, "profile", () => createOnce(deps, accountId, input));
}

async function createOnce(deps: Deps, accountId: string, input: CreateEventInput) {
  const { db } = deps;
  const found = await confirmed(deps, async () => {
    const [profiles, active] = await db.batch([
      profileOf(db, accountId, input.profile_uid),
      activeIntegrationOf(db, accountId, input.profile_uid),
    ]);
    return profiles[0] && { profile: profiles[0], active: active[0] };
  });
  if (!found) {
    throw new ApiError("NOT_FOUND", "Profile not found.", {
      details: [{ path: "profile_uid", message: "No profile with this uid in the account." }],
    });
  }
  const { profile, active } = found;
  // A new event has no override yet: the profile's active integration applies.
  const applying = active?.id === applyingIntegrationId({ profile }) ? active : undefined;
  const now = iso(deps.now());
  const form = input.fields ? input.fields.map((f) => toFormField(f, false)) : DEFAULT_FORM;
  const event: EventRow = {
    id: newId("evt"),
    accountId,
    profileId: profile.id,
    name: input.name,
    status: input.status ?? "NotReady",
    startDate: toStoredTime(input.start_date),
    endDate: toStoredTime(input.end_date),
    timezone: input.timezone ?? "UTC",
    currency: input.currency ?? "EUR",
    languages: input.languages ?? ["en"],
    location: input.location ?? null,
    capacity: input.capacity ?? null,
    guestCount: 0,
    fields: withFixedFieldsOf(applying, form),
    createdAt: now,
    updatedAt: now,
  };
  // Written only if no activation moved the profile meanwhile (else read and applied again).
  const routing = {
    profileId: profile.id,
    activeIntegrationId: profile.activeIntegrationId,
    applying: applying ? { id: applying.id, updatedAt: applying.updatedAt } : null,
  };
  await commitChange(
    deps,
    [insertEventIfRouting(db, event, routing)],
    [eventTrigger("event.create", event)],
  );
  // Its guests are likely next, created in this isolate: they need not read it again.
  rememberEvent(event);
  return event;
}

/** An event the scope may read, else 404 (unknown, another account's, or an unlinked profile's). */
export async function getReadableEvent(deps: Deps, scope: AccessScope, uid: string) {
  const event = await confirmed(deps, () => findEvent(deps.db, scope.accountId, uid));
  if (!event || !canSeeProfile(scope, event.profileId)) throw notFound("Event");
  return event;
}

export async function getEvent(deps: Deps, accountId: string, uid: string) {
  const event = await confirmed(deps, () => findEvent(deps.db, accountId, uid));
  if (!event) throw notFound("Event");
  return event;
}

export function listReadableEvents(
  deps: Deps,
  scope: AccessScope,
  query: Pagination & { profile_uid?: string; uid?: string; status?: string },
) {
  const uids = query.uid
    ?.split(",")
    .map((uid) => uid.trim())
    .filter(Boolean);
  return listEvents(
    deps.db,
    {
      accountId: scope.accountId,
      integrationId: scope.integrationId,
      profileId: query.profile_uid,
      uids: uids?.length ? uids : undefined,
      status: query.status,
      updatedSince: query.updated_since ? toStoredTime(query.updated_since) : undefined,
    },
    pageWindow(query),
  );
}

/**
 * Applies a PATCH: dates checked together, locked fields kept (409), capacity not under guests
 * (409). Applied again on the event as it is now when a concurrent change beat it.
 */
export function patchEvent(deps: Deps, accountId: string, uid: string, input: UpdateEventInput) {
  return retryWhenChanged(deps, EVENT_CHANGED, "event", () =>
    applyPatch(deps, accountId, uid, input),
  );
}

async function applyPatch(deps: Deps, accountId: string, uid: string, input: UpdateEventInput) {
  const event = await getEvent(deps, accountId, uid);
  const startDate = input.start_date ? toStoredTime(input.start_date) : event.startDate;
  const endDate = input.end_date ? toStoredTime(input.end_date) : event.endDate;
  if (endDate < startDate) {
    throw new ApiError("VALIDATION_FAILED", "The request did not match the schema.", {
      details: [{ path: "end_date", message: "Must be at or after start_date." }],
    });
  }
  let fields = event.fields;
  if (input.fields) {
    const change = applyFormChange(event.fields, input.fields);
    if (change.invalid.length > 0) {
      throw new ApiError("VALIDATION_FAILED", "The request did not match the schema.", {
        details: change.invalid,
      });
    }
    if (change.conflicts.length > 0) {
      throw new ApiError("CONFLICT", "Locked fields cannot be removed or changed.", {
        details: change.conflicts,
      });
    }
    fields = change.fields;
  }
  const capacity = input.capacity === undefined ? event.capacity : input.capacity;
  if (capacity !== null && capacity < event.guestCount) {
    throw new ApiError("CONFLICT", "The capacity is below the number of registered guests.", {
      details: [{ path: "capacity", message: `The event has ${event.guestCount} guests.` }],
    });
  }
  const changes = {
    name: input.name ?? event.name,
    status: input.status ?? event.status,
    startDate,
    endDate,
    timezone: input.timezone ?? event.timezone,
    currency: input.currency ?? event.currency,
    languages: input.languages ?? event.languages,
    location: input.location === undefined ? event.location : input.location,
    capacity,
    fields,
    updatedAt: iso(deps.now()),
  };
  const updated: EventRow = { ...event, ...changes };
  await commitChange(
    deps,
    [updateEvent(deps.db, event.id, changes, event.updatedAt)],
    [eventTrigger("event.update", updated)],
  );
  rememberEvent(updated);
  return updated;
}

/**
 * Deletes an event with its attendees in one batch (its override stays for the event.delete
 * trigger's routing until retention). Only event.delete is recorded:
 * the attendees go with their event, and receivers learn it from that one trigger.
 */
export async function deleteEvent(deps: Deps, accountId: string, uid: string) {
  const event = await getEvent(deps, accountId, uid);
  await commitChange(deps, deleteEventStatements(deps.db, event.id), [
    eventTrigger("event.delete", event),
  ]);
  forgetEvent(event);
}
