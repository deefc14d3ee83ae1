import type { IntegrationTemplate } from "./template";

/** Airtable: one record per registration in a table (the "create records" endpoint). */
export const airtable: IntegrationTemplate = {
  id: "airtable",
  name: "Airtable",
  description:
    'Adds a record to an Airtable table for every new registration. The table needs the columns "Name", "Email", "Event", "Status", "Registered at" and "Weft ID" (text columns do; `typecast` lets Airtable convert values to other column types). Create a personal access token with the data.records:write scope on the base.',
  documentation_url: "https://airtable.com/developers/web/api/create-records",
  params: [
    {
      name: "access_token",
      type: "string",
      description: "A personal access token (`pat...`); sent as a bearer token, stored encrypted.",
      secret: true,
      required: true,
      example: "patAbCdEfGh012345.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      pattern: "^pat[A-Za-z0-9]{14}\\.[A-Za-z0-9]{64}$",
    },
    {
      name: "base_id",
      type: "string",
      description: "The base's id, `app` and 14 characters (in the base's URL and API docs).",
      secret: false,
      required: true,
      example: "appAbCdEfGh012345",
      pattern: "^app[A-Za-z0-9]{14}$",
    },
    {
      name: "table_id",
      type: "string",
      description: "The table's id, `tbl` and 14 characters (in the table's URL and API docs).",
      secret: false,
      required: true,
      example: "tblAbCdEfGh012345",
      pattern: "^tbl[A-Za-z0-9]{14}$",
    },
    {
      name: "api_base_url",
      type: "url",
      description:
        "Airtable's API. Change it only to go through a proxy (or, locally, a stand-in).",
      secret: false,
      required: false,
      default: "https://api.airtable.com",
      example: "https://api.airtable.com",
      hosts: ["api.airtable.com"],
      base: true,
    },
  ],
  webhooks: [
    {
      name: "Airtable: record of a new registration",
      trigger: "guest.create",
      method: "POST",
      url: "<api_base_url>/v0/<base_id>/<table_id>",
      headers: { authorization: "Bearer <access_token>" },
      payload_template: {
        records: [
          {
            fields: {
              Name: "{{firstname}} {{lastname}}",
              Email: "{{email}}",
              Event: "{{event.name}}",
              Status: "{{registration_status}}",
              "Registered at": "{{created_at}}",
              "Weft ID": "{{uid}}",
            },
          },
        ],
        typecast: true,
      },
    },
  ],
  field_mapping: [],
  fixed_configuration: { fields: [] },
};
