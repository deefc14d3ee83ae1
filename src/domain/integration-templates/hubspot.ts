import type { IntegrationTemplate } from "./template";

/** HubSpot CRM contacts, created or updated by e-mail (the batch upsert endpoint, one input). */
const upsert = {
  inputs: [
    {
      idProperty: "email",
      id: "{{email | lower}}",
      properties: {
        email: "{{email}}",
        firstname: '{{firstname | default: ""}}',
        lastname: '{{lastname | default: ""}}',
      },
    },
  ],
};

export const hubspot: IntegrationTemplate = {
  id: "hubspot",
  name: "HubSpot contacts",
  description:
    "Creates or updates a HubSpot contact, found by e-mail, when an attendee registers or changes: e-mail, first name and last name. In HubSpot, create a private app with the crm.objects.contacts.write scope and give its access token here. Upserting by e-mail makes a repeated delivery harmless.",
  documentation_url:
    "https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts",
  params: [
    {
      name: "access_token",
      type: "string",
      description:
        "The private app's access token (`pat-...`); sent as a bearer token, stored encrypted.",
      secret: true,
      required: true,
      example: "pat-na1-01234567-89ab-cdef-0123-456789abcdef",
      pattern: "^pat-[a-z]{2,3}[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    },
    {
      name: "api_base_url",
      type: "url",
      description: "HubSpot's API. Change it only to go through a proxy (or, locally, a stand-in).",
      secret: false,
      required: false,
      default: "https://api.hubapi.com",
      example: "https://api.hubapi.com",
      hosts: ["api.hubapi.com", ".hubapi.com"],
      base: true,
    },
  ],
  webhooks: (["guest.create", "guest.update"] as const).map((trigger) => ({
    name: `HubSpot: contact from a ${trigger === "guest.create" ? "new" : "changed"} registration`,
    trigger,
    method: "POST" as const,
    url: "<api_base_url>/crm/v3/objects/contacts/batch/upsert",
    headers: { authorization: "Bearer <access_token>" },
    payload_template: upsert,
  })),
  field_mapping: [],
  fixed_configuration: { fields: [] },
};
