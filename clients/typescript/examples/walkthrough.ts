// The README's two walk-throughs, step by step, through the typed client: the same requests with
// the same bodies. test/e2e/typed-client.test.ts runs it against `npm start` and checks that the
// bodies are exactly the README's; `npm run typecheck` checks them against the generated types.
import { createWeftClient, unwrap, type WeftClientOptions } from "../src/index";

export type WalkthroughOptions = {
  baseUrl: string;
  bootstrapToken: string;
  /** Where the webhook of step 8 sends (any URL that accepts POSTs). */
  receiver: string;
  fetch?: WeftClientOptions["fetch"];
};

export async function walkthrough({
  baseUrl,
  bootstrapToken,
  receiver,
  fetch,
}: WalkthroughOptions) {
  // 1. An account, with its first admin key (the secret is shown only now: keep it).
  const operator = createWeftClient({ baseUrl, key: bootstrapToken, fetch });
  const account = unwrap(await operator.POST("/v1/accounts", { body: { name: "Acme Events" } }));
  const admin = createWeftClient({ baseUrl, key: account.admin_key.key, fetch });

  // 2. A profile (a brand or department that groups events).
  const profile = unwrap(await admin.POST("/v1/profiles", { body: { name: "Acme Conferences" } }));

  // 3. An event, with the default registration form (email required, firstname, lastname).
  const event = unwrap(
    await admin.POST("/v1/events", {
      body: {
        profile_uid: profile.uid,
        name: "Annual Summit",
        start_date: "2026-06-12T07:00:00Z",
        end_date: "2026-06-13T16:00:00Z",
      },
    }),
  );

  // 4. An attendee; its fields are checked against the event's form.
  const jane = unwrap(
    await admin.POST("/v1/attendees", {
      body: {
        event_uid: event.uid,
        fields: { email: "jane@example.com", firstname: "Jane", lastname: "Doe" },
      },
    }),
  );

  // 5. The event's attendees, a page at a time.
  const attendees = await admin.GET("/v1/attendees", {
    params: { query: { event_uid: event.uid, page_size: 50 } },
  });

  // 6. An integration linked to the profile; its mapping renames and adds fields.
  const integration = unwrap(
    await admin.POST("/v1/integrations", {
      body: {
        name: "CRM sync",
        profile_uids: [profile.uid],
        api_access: true,
        field_mapping: [
          { name: "contact_email", mapped_to: "email" },
          { name: "source", value: "weft" },
        ],
      },
    }),
  );

  // 7. A key for the external system: it reads the linked profiles' events and (mapped) attendees.
  const liveKey = unwrap(
    await admin.POST("/v1/integrations/{id}/keys", { params: { path: { id: integration.id } } }),
  );
  const reader = createWeftClient({ baseUrl, key: liveKey.key, fetch });
  const mapped = unwrap(
    await reader.GET("/v1/attendees", { params: { query: { event_uid: event.uid } } }),
  );

  // 8. A webhook on guest.create; keep its signing secret (shown only now) to verify deliveries.
  const webhook = unwrap(
    await admin.POST("/v1/integrations/{id}/webhooks", {
      params: { path: { id: integration.id } },
      body: {
        name: "Push to CRM",
        trigger: "guest.create",
        url: receiver,
        method: "POST",
        headers: { authorization: "Bearer crm-token" },
      },
    }),
  );

  // 9. Webhooks fire for the integration that is active on the profile.
  const activation = unwrap(
    await admin.PUT("/v1/profiles/{uid}/integration", {
      params: { path: { uid: profile.uid } },
      body: { integration_id: integration.id },
    }),
  );

  // 10. A new attendee: the receiver gets {"contact_email":"sam@example.com","source":"weft"}, signed.
  const sam = unwrap(
    await admin.POST("/v1/attendees", {
      body: { event_uid: event.uid, fields: { email: "sam@example.com", firstname: "Sam" } },
    }),
  );

  // 11. The delivery log shows each attempt.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const deliveries = unwrap(
    await admin.GET("/v1/integrations/{id}/deliveries", {
      params: { path: { id: integration.id } },
    }),
  );

  return {
    adminKey: account.admin_key.key,
    profile,
    event,
    jane,
    attendees: unwrap(attendees),
    attendeesMeta: attendees.data?.meta,
    integration,
    liveKey,
    mapped,
    webhook,
    activation,
    sam,
    deliveries,
  };
}
