import { eventWithRouting } from "../db/queries/routing";
import type { Deps } from "../deps";
import { effectiveIntegration } from "../domain/effective-integration";
import { notFound } from "../errors";
import { iso } from "../lib/time";
import { confirmed } from "./read";

/** The event's effective configuration (one round trip), else 404. */
export async function getEffectiveIntegration(deps: Deps, accountId: string, eventId: string) {
  const found = await confirmed(deps, () => eventWithRouting(deps.db, { accountId, eventId }));
  if (!found) throw notFound("Event");
  return effectiveIntegration({ ...found, now: iso(deps.now()) });
}
