import { attendeeMappingRows } from "../db/queries/routing";
import type { Deps } from "../deps";
import { serializeAttendee } from "../domain/attendee";
import { applyMapping, type MappingMode } from "../domain/mapping";
import { mappingFor, routeOf } from "../domain/routing";
import { ApiError } from "../errors";
import type { MappingEntry } from "../lib/types";
import { integrationWith } from "./integrations";

/** `POST /v1/integrations/{id}/mapping-preview`: an attendee, and unsaved mappings to try. */
export type MappingPreviewInput = {
  attendee_uid: string;
  /** Drafts that stand in for a level's stored mapping in this preview only. */
  field_mapping?: {
    account?: MappingEntry[];
    integration?: MappingEntry[];
    profile?: MappingEntry[];
    event?: MappingEntry[];
  };
  /** The event level's mode in this preview. */
  mapping_mode?: MappingMode;
};

/**
 * A real attendee as the integration's key reads it and its webhooks send it (API.md §5), with
 * any level's mapping replaced by a draft: what an organiser sees before saving a mapping. Reads
 * only (one round trip); the same rules as reads and fan-out (domain/routing.ts).
 */
export async function previewMapping(
  deps: Deps,
  accountId: string,
  integrationId: string,
  input: MappingPreviewInput,
) {
  const read = () =>
    integrationWith(deps, accountId, integrationId, (db) =>
      attendeeMappingRows(db, accountId, input.attendee_uid),
    );
  let found = await read();
  // A replica may not have an attendee registered a moment ago: confirm a miss on the primary.
  if (!found.rest[0][0]) found = await deps.onPrimary(read);
  const { integration } = found;
  const [[attendee], [event], [account], [profile], [override]] = found.rest;
  if (!attendee || !event) {
    throw new ApiError("NOT_FOUND", "Attendee not found.", {
      details: [{ path: "attendee_uid", message: "No attendee with this uid in the account." }],
    });
  }

  const drafts = input.field_mapping ?? {};
  // A draft of the event level is the override being edited for this integration.
  const eventDraft =
    drafts.event !== undefined || input.mapping_mode !== undefined
      ? {
          integrationId: integration.id,
          fieldMapping: drafts.event ?? override?.fieldMapping ?? [],
          mappingMode: input.mapping_mode ?? override?.mappingMode ?? "merge",
        }
      : override;
  const mapping = mappingFor(
    {
      account: { fieldMapping: drafts.account ?? account?.fieldMapping ?? [] },
      profile: { fieldMapping: drafts.profile ?? profile?.fieldMapping ?? [] },
      override: eventDraft,
    },
    { id: integration.id, fieldMapping: drafts.integration ?? integration.fieldMapping },
  );
  return {
    attendee_uid: attendee.id,
    event_uid: event.id,
    field_mapping: mapping,
    payload: applyMapping(serializeAttendee(attendee, event), mapping),
    // Whether a trigger of the event would have a route through this integration.
    webhooks_apply:
      routeOf({ account, profile, override }, { integration, webhooks: [] }, event.id) !== null,
    key_reads: integration.apiAccess && integration.profileIds.includes(attendee.profileId),
  };
}
