import type { Schema } from "@cfworker/json-schema";

/**
 * Each catalogue service's documented request format, written from the vendor's public
 * documentation (the `doc` link), independently of the templates: what a stand-in for the
 * service on 127.0.0.1 checks a delivery against. `path` is the service's path after the host
 * (the stand-in's channel prefix removed); `body` is the JSON body, or the form fields as an
 * object for form-encoded services.
 */
export type VendorFormat = {
  doc: string;
  method: string;
  path: RegExp;
  query?: Record<string, string>;
  contentType: "application/json" | "application/x-www-form-urlencoded";
  /** How the service authenticates the request, checked against the parameters given. */
  authorization?: (header: string | undefined) => boolean;
  body: Schema;
};

const bearer = (token: string) => (header: string | undefined) => header === `Bearer ${token}`;

export const VENDOR_FORMATS: Record<string, (params: Record<string, string>) => VendorFormat> = {
  // "Sending messages using incoming webhooks": POST the JSON payload to the webhook URL; `text`
  // is the message (mrkdwn), `blocks` and the other fields are optional.
  slack: () => ({
    doc: "https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks",
    method: "POST",
    path: /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/,
    contentType: "application/json",
    body: {
      type: "object",
      required: ["text"],
      additionalProperties: false,
      properties: {
        text: { type: "string", minLength: 1, maxLength: 40000 },
        blocks: { type: "array" },
        attachments: { type: "array" },
        thread_ts: { type: "string" },
        mrkdwn: { type: "boolean" },
        unfurl_links: { type: "boolean" },
        unfurl_media: { type: "boolean" },
      },
    },
  }),

  // "Create Incoming Webhooks with Workflows for Microsoft Teams" and the Adaptive Card format it
  // posts: a message whose attachments carry application/vnd.microsoft.card.adaptive content.
  "microsoft-teams": () => ({
    doc: "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
    method: "POST",
    path: /^\/workflows\/[0-9A-Fa-f]+\/triggers\/manual\/paths\/invoke$/,
    query: { "api-version": "2016-06-01", sig: "test-signature" },
    contentType: "application/json",
    body: {
      type: "object",
      required: ["type", "attachments"],
      properties: {
        type: { const: "message" },
        attachments: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["contentType", "content"],
            properties: {
              contentType: { const: "application/vnd.microsoft.card.adaptive" },
              contentUrl: { type: ["string", "null"] },
              content: {
                type: "object",
                required: ["type", "version", "body"],
                properties: {
                  $schema: { const: "http://adaptivecards.io/schemas/adaptive-card.json" },
                  type: { const: "AdaptiveCard" },
                  version: { type: "string", pattern: "^1\\.[0-6]$" },
                  body: {
                    type: "array",
                    minItems: 1,
                    items: { type: "object", required: ["type"] },
                  },
                },
              },
            },
          },
        },
      },
    },
  }),

  // "Upsert a batch of contacts": POST /crm/v3/objects/contacts/batch/upsert with a bearer
  // token; each input names the unique property it is found by (`idProperty`) and its value.
  hubspot: (params) => ({
    doc: "https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts",
    method: "POST",
    path: /^\/crm\/v3\/objects\/contacts\/batch\/upsert$/,
    contentType: "application/json",
    authorization: bearer(params.access_token),
    body: {
      type: "object",
      required: ["inputs"],
      additionalProperties: false,
      properties: {
        inputs: {
          type: "array",
          minItems: 1,
          maxItems: 100,
          items: {
            type: "object",
            required: ["id", "properties"],
            additionalProperties: false,
            properties: {
              id: { type: "string", minLength: 1 },
              idProperty: { type: "string" },
              objectWriteTraceId: { type: "string" },
              properties: { type: "object", additionalProperties: { type: "string" } },
            },
          },
        },
      },
    },
  }),

  // "Add or update list member": PUT /3.0/lists/{list_id}/members/{subscriber_hash}, the hash
  // being the MD5 of the lower-case address; HTTP Basic with any user name and the API key.
  mailchimp: (params) => ({
    doc: "https://mailchimp.com/developer/marketing/api/list-members/add-or-update-list-member/",
    method: "PUT",
    path: new RegExp(`^/3\\.0/lists/${params.list_id}/members/[0-9a-f]{32}$`),
    contentType: "application/json",
    authorization: (header) => {
      const [scheme, encoded] = header?.split(" ") ?? [];
      return scheme === "Basic" && atob(encoded ?? "").endsWith(`:${params.api_key}`);
    },
    body: {
      type: "object",
      required: ["email_address", "status_if_new"],
      additionalProperties: false,
      properties: {
        email_address: { type: "string", format: "email" },
        status_if_new: {
          enum: ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"],
        },
        status: { enum: ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"] },
        email_type: { enum: ["html", "text"] },
        merge_fields: { type: "object", additionalProperties: { type: ["string", "number"] } },
        interests: { type: "object", additionalProperties: { type: "boolean" } },
        language: { type: "string" },
        vip: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
      },
    },
  }),

  // "Set Up Web-to-Lead" and the HTML form it generates: POST to servlet.WebToLead?encoding=UTF-8,
  // form-encoded, the org id as `oid`; last name and company are required for a lead. Lengths are
  // the Lead fields' sizes.
  "salesforce-web-to-lead": (params) => ({
    doc: "https://help.salesforce.com/s/articleView?id=sales.setting_up_web-to-lead.htm&type=5",
    method: "POST",
    path: /^\/servlet\/servlet\.WebToLead$/,
    query: { encoding: "UTF-8" },
    contentType: "application/x-www-form-urlencoded",
    body: {
      type: "object",
      required: ["oid", "last_name", "company"],
      additionalProperties: false,
      properties: {
        oid: { const: params.org_id },
        retURL: { type: "string" },
        first_name: { type: "string", maxLength: 40 },
        last_name: { type: "string", minLength: 1, maxLength: 80 },
        email: { type: "string", maxLength: 80 },
        company: { type: "string", minLength: 1, maxLength: 255 },
        title: { type: "string", maxLength: 128 },
        phone: { type: "string", maxLength: 40 },
        mobile: { type: "string", maxLength: 40 },
        street: { type: "string" },
        city: { type: "string", maxLength: 40 },
        state: { type: "string", maxLength: 80 },
        zip: { type: "string", maxLength: 20 },
        country: { type: "string", maxLength: 80 },
        lead_source: { type: "string", maxLength: 40 },
        description: { type: "string", maxLength: 32000 },
      },
    },
  }),

  // "Create records": POST /v0/{baseId}/{tableIdOrName} with a bearer token; up to 10 records,
  // each `{ fields }`; `typecast` lets Airtable convert values.
  airtable: (params) => ({
    doc: "https://airtable.com/developers/web/api/create-records",
    method: "POST",
    path: new RegExp(`^/v0/${params.base_id}/${params.table_id}$`),
    contentType: "application/json",
    authorization: bearer(params.access_token),
    body: {
      type: "object",
      required: ["records"],
      additionalProperties: false,
      properties: {
        records: {
          type: "array",
          minItems: 1,
          maxItems: 10,
          items: {
            type: "object",
            required: ["fields"],
            additionalProperties: false,
            properties: { fields: { type: "object" } },
          },
        },
        typecast: { type: "boolean" },
        returnFieldsByFieldId: { type: "boolean" },
      },
    },
  }),

  // "Trigger Zaps from webhooks": a Catch Hook takes a POST of any JSON object to
  // /hooks/catch/{account}/{hook}/; its keys become the Zap's fields.
  zapier: () => ({
    doc: "https://help.zapier.com/hc/en-us/articles/8496288690317-Trigger-Zaps-from-webhooks",
    method: "POST",
    path: /^\/hooks\/catch\/[0-9]+\/[A-Za-z0-9]+\/?$/,
    contentType: "application/json",
    body: { type: "object", minProperties: 1 },
  }),
};
