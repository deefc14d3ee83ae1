import type { EventRow } from "../db/queries/events";
import { RecentMap } from "../lib/recent-map";

/**
 * Events that creates have read, remembered per isolate by account and uid: the form, languages
 * and names a new attendee is checked against and serialized with, so a create can write without
 * reading first. The write checks on the primary that the event is still as remembered (its
 * `updated_at`, which every change of an event sets and a guest count does not) and that the
 * caller still reaches it (`eventAsRemembered`): a stale entry costs a read, never a wrong write.
 * Its guest count is not used: the write counts the guest against the capacity itself.
 */
const known = new RecentMap<string, EventRow>(10_000);

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
