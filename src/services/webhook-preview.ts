import { subjectWithContext } from "../db/queries/routing";
import { buildRequest } from "../delivery/request";
import type { Deps } from "../deps";
import { serializeAttendee } from "../domain/attendee";
import { serializeEvent } from "../domain/event";
import { mappingFor } from "../domain/routing";
import { MASK } from "../domain/webhook";
import { templateScope, tryRenderContent } from "../domain/webhook-content";
import { ApiError } from "../errors";
import { newId } from "../lib/ids";
import { webhookWith } from "./webhooks";

type Owner = { accountId: string; integrationId: string };

/** What to preview a webhook with: an attendee for guest triggers, an event for event triggers. */
export type PreviewSubject = { attendee_uid: string } | { event_uid: string };

/**
 * The request a webhook would send for this attendee or event now, without sending it: the same
 * rendering as fan-out (the integration's mapping at the attendee's event, the event, the
 * account) and the same request building as every attempt. Header values, the signature and a
 * secret URL are masked; `webhook-id` and `webhook-timestamp` are examples (each delivery has
 * its own). A template that cannot render for this item is a 422 naming the entry. One read.
 */
export async function previewWebhook(
  deps: Deps,
  owner: Owner,
  webhookId: string,
  subject: PreviewSubject,
) {
  const ids =
    "attendee_uid" in subject
      ? { attendeeId: subject.attendee_uid }
      : { eventId: subject.event_uid };
  const queries = (db: Deps["db"]) => subjectWithContext(db, owner.accountId, ids);
  const found = await webhookWith(deps, owner, webhookId, queries);
  const guest = found.webhook.trigger.startsWith("guest.");
  const [field, noun] = guest ? ["attendee_uid", "attendee"] : ["event_uid", "event"];
  if (!(field in subject)) {
    throw invalid(field, `A ${found.webhook.trigger} webhook previews an ${noun}: send ${field}.`);
  }
  let [attendees, events, accounts, profiles, overrides] = found.rest;
  const missing = () => (guest ? attendees[0] : events[0]) === undefined;
  if (missing()) {
    // A replica may not have it yet: only the primary says it does not exist.
    [attendees, events, accounts, profiles, overrides] = await deps.onPrimary(() =>
      deps.db.batch(queries(deps.db)),
    );
  }
  const [attendee, event] = [attendees[0], events[0]];
  if (missing() || !event) throw invalid(field, `No such ${noun}.`);
  const { webhook, integration } = found;
  const context = { account: accounts[0], profile: profiles[0], override: overrides[0] };
  const scope = templateScope(
    webhook.trigger,
    attendee ? serializeAttendee(attendee, event) : serializeEvent(event),
    attendee ? mappingFor(context, integration) : [],
    {
      account: { id: owner.accountId, name: context.account?.name ?? "" },
      event: serializeEvent(event),
    },
  );
  const content = tryRenderContent(webhook, scope);
  if ("failed" in content) {
    const { path, message } = content.failed;
    throw new ApiError("UNPROCESSABLE", `The webhook cannot be rendered for this ${noun}.`, {
      details: [{ path, message }],
    });
  }
  const request = await buildRequest(
    {
      url: webhook.url,
      method: webhook.method,
      bodyEncoding: webhook.bodyEncoding,
      secrets: [],
      headers: Object.fromEntries(webhook.headerNames.map((name) => [name, MASK])),
    },
    {
      deliveryId: newId("dlv"),
      trigger: webhook.trigger,
      eventUid: event.id,
      entityUid: attendee ? attendee.id : event.id,
      cause: null,
      ...content.rendered,
      attempt: 1,
    },
    Math.floor(deps.now() / 1000),
  );
  request.headers["webhook-signature"] = `v1,${MASK}`;
  return request;
}

const invalid = (path: string, message: string) =>
  new ApiError("VALIDATION_FAILED", message, { details: [{ path, message }] });
