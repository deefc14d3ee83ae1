import type { EventRow } from "../db/queries/events";
import { RecentMap } from "../lib/recent-map";

/**
 * Events that creates have read, remembered per isolate by account and uid: the form, languages
 * and names a new attendee is checked against and serialized with, so a create can write without
 * reading first. The write checks on the primary that the event is still as remembered (its
 * `updated_at`, which every change of an event moves on, a round trip at least after the read it
 * starts from, and a guest count leaves alone) and that the
 * caller still reaches it (`countGuestInAsRemembered`): a stale entry costs a read, never a wrong write.
 * Its guest count is not used: the write counts the guest against the capacity itself.
 */
// A form can be a few KiB: a thousand events stay within a few MiB of the isolate's 128.
const known = new RecentMap<string, EventRow>(1_000);

const keyOf = (accountId: string, uid: string) => `${accountId}/${uid}`;

export function knownEvent(accountId: string, uid: string): EventRow | undefined {
  return known.get(keyOf(accountId, uid));
}

export function rememberEvent(event: EventRow): void {
  known.set(keyOf(event.accountId, event.id), event);
}

export function forgetEvent(event: Pick<EventRow, "accountId" | "id">): void {
  known.delete(keyOf(event.accountId, event.id));
}
