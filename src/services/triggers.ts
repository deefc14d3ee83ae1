import { pageOf } from "../db/page";
import { deliveriesOfTrigger } from "../db/queries/deliveries";
import { type TriggerFilters, triggerOf, triggerPageQueries } from "../db/queries/triggers";
import { triggers } from "../db/schema";
import type { Deps } from "../deps";
import { type Pagination, pageWindow } from "../domain/pagination";
import { notFound } from "../errors";
import { confirmed } from "./read";

/** One page of the account's trigger log (one round trip). */
export async function listTriggers(deps: Deps, filters: TriggerFilters, pagination: Pagination) {
  const { db } = deps;
  return pageOf(triggers, await db.batch(triggerPageQueries(db, filters, pageWindow(pagination))));
}

/**
 * A trigger of the account with the deliveries it made: the trigger (DB, with the key's check)
 * and its deliveries (the delivery log) side by side, one round trip; or 404.
 */
export async function getTrigger(deps: Deps, accountId: string, id: string) {
  const [trigger, deliveries] = await Promise.all([
    confirmed(deps, async () => (await triggerOf(deps.db, accountId, id))[0]),
    deliveriesOfTrigger(deps.deliveriesDb, accountId, id),
  ]);
  if (!trigger) throw notFound("Trigger");
  return { trigger, deliveries };
}
