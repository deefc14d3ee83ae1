import type { Statement } from "../db/batch";
import {
  EVENT_CHANGED,
  eventOf,
  guardEventRouting,
  profileIdOfEvent,
  setEventFields,
} from "../db/queries/events";
import {
  activeIntegrationOf,
  type IntegrationRow,
  integrationOf,
  linkOf,
} from "../db/queries/integrations";
import {
  deleteOverride,
  type OverrideRow,
  overrideOf,
  upsertOverride,
} from "../db/queries/overrides";
import { commitChange } from "../delivery/outbox";
import type { Deps } from "../deps";
import { formUnder, sameForm } from "../domain/fixed-configuration";
import type { OverrideInput } from "../domain/override";
import { applyingIntegrationId } from "../domain/routing";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import { retryWhenChanged } from "./compare-and-set";
import { formChangedTrigger } from "./events";
import { confirmed } from "./read";

/**
 * Per-event override (API.md §4): another integration (or the profile's, with `null`), a mapping
 * level of its own, and whether a payment fires `guest.update`.
 */

/**
 * The event with its override, the integration active on its profile and, if asked, another
 * integration of the account: one round trip; 404 when the event does not exist.
 */
async function eventForOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
  named: string | null = null,
) {
  const { db } = deps;
  const found = await confirmed(deps, async () => {
    const [events, overrides, active, others, links] = await db.batch([
      eventOf(db, accountId, eventId),
      overrideOf(db, eventId),
      activeIntegrationOf(db, accountId, profileIdOfEvent(db, eventId)),
      integrationOf(db, accountId, named ?? ""),
      linkOf(db, named ?? "", profileIdOfEvent(db, eventId)),
    ]);
    const [event] = events;
    return (
      event && {
        event,
        override: overrides[0],
        active: active[0],
        named: others[0],
        namedIsLinked: links.length > 0,
      }
    );
  });
  if (!found) throw notFound("Event");
  return found;
}

/** The event's override; 404 when the event has none. */
export async function getOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
): Promise<OverrideRow> {
  const { override } = await eventForOverride(deps, accountId, eventId);
  if (!override) throw notFound("Override for this event");
  return override;
}

/**
 * Sets (creates or replaces) the override, and in the same batch puts the event's form under the
 * integration that now applies to it (the override's, else the profile's active one).
 */
export function putOverride(
  deps: Deps,
  accountId: string,
  eventId: string,
  input: OverrideInput,
): Promise<OverrideRow> {
  return retryWhenChanged(deps, EVENT_CHANGED, "event", () =>
    putOnce(deps, accountId, eventId, input),
  );
}

async function putOnce(
  deps: Deps,
  accountId: string,
  eventId: string,
  input: OverrideInput,
): Promise<OverrideRow> {
  const found = await eventForOverride(deps, accountId, eventId, input.integration_id);
  if (input.integration_id !== null && !found.named) {
    throw new ApiError("VALIDATION_FAILED", "Unknown integration.", {
      details: [
        { path: "integration_id", message: `Integration ${input.integration_id} not found.` },
      ],
    });
  }
  // Its webhooks would send the event while its keys could not read it: link it first.
  if (input.integration_id !== null && !found.namedIsLinked) {
    throw new ApiError("UNPROCESSABLE", "The integration is not linked to the event's profile.", {
      details: [
        {
          path: "integration_id",
          message: `Link ${input.integration_id} to profile ${found.event.profileId} (its \`profile_uids\`) first.`,
        },
      ],
    });
  }
  const now = iso(deps.now());
  const row: OverrideRow = {
    eventId,
    integrationId: input.integration_id,
    fieldMapping: input.field_mapping,
    mappingMode: input.mapping_mode,
    fireOnPayment: input.fire_on_payment,
    webhooksEnabled: input.webhooks_enabled,
    createdAt: found.override?.createdAt ?? now,
    updatedAt: now,
  };
  await writeRouting(deps, found, row, [upsertOverride(deps.db, row)], now);
  return row;
}

/** Removes the override; the event follows its profile's active integration again. */
export function deleteEventOverride(deps: Deps, accountId: string, eventId: string) {
  return retryWhenChanged(deps, EVENT_CHANGED, "event", async () => {
    const found = await eventForOverride(deps, accountId, eventId);
    if (!found.override) throw notFound("Override for this event");
    const now = iso(deps.now());
    await writeRouting(deps, found, undefined, [deleteOverride(deps.db, eventId)], now);
  });
}

type Found = Awaited<ReturnType<typeof eventForOverride>>;

/**
 * The override's change with the event's form under the integration that now applies (and an
 * `event.update` when it changed), only if the event and what decides its form are still as read
 * (else EVENT_CHANGED, and the change is read and applied again).
 */
async function writeRouting(
  deps: Deps,
  found: Found,
  override: Pick<OverrideRow, "integrationId"> | undefined,
  change: Statement[],
  at: string,
) {
  const { event } = found;
  const applying = applyingOf(found, override);
  const routing = {
    profileId: event.profileId,
    activeIntegrationId: found.active?.id ?? null,
    applying: applying && { id: applying.id, updatedAt: applying.updatedAt },
  };
  const fields = formUnder(event.fields, applying);
  const changed = !sameForm(fields, event.fields);
  await commitChange(
    deps,
    [
      changed
        ? setEventFields(deps.db, event.id, fields, at, { readAt: event.updatedAt, routing })
        : guardEventRouting(deps.db, event.id, { readAt: event.updatedAt, routing }),
      ...change,
    ],
    changed ? [formChangedTrigger(event, fields, at)] : [],
  );
}

/** The integration that applies to the event under `override` (domain/routing.ts decides). */
function applyingOf(
  found: { active: IntegrationRow | undefined; named: IntegrationRow | undefined },
  override: Pick<OverrideRow, "integrationId"> | undefined,
): IntegrationRow | null {
  const id = applyingIntegrationId({
    profile: { activeIntegrationId: found.active?.id ?? null },
    override,
  });
  return [found.named, found.active].find((row) => row && row.id === id) ?? null;
}
