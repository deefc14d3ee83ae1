import type { IntegrationTemplate } from "./template";

/**
 * Salesforce Web-to-Lead: the form Salesforce generates posts its fields, form-encoded, to
 * servlet.WebToLead with the organisation's id as `oid`. Last name and company are required for a
 * lead, so the template also makes them required on the form (fixed configuration).
 */
export const salesforceWebToLead: IntegrationTemplate = {
  id: "salesforce-web-to-lead",
  name: "Salesforce Web-to-Lead",
  description:
    "Creates a Salesforce lead for every new registration, as Salesforce's own Web-to-Lead form does: name, e-mail, company, job title, phone and city, the lead source, and the event in the description. Turn on Web-to-Lead in Salesforce Setup and give your organisation id. While the integration is active, its events' forms require a last name and a company (Salesforce needs both).",
  documentation_url:
    "https://help.salesforce.com/s/articleView?id=sales.setting_up_web-to-lead.htm&type=5",
  params: [
    {
      name: "org_id",
      type: "string",
      description:
        "Your Salesforce organisation id (Setup > Company Information), the `oid` of a generated Web-to-Lead form. Not a secret: it is in every such form.",
      secret: false,
      required: true,
      example: "00D5g000004abcD",
      pattern: "^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$",
    },
    {
      name: "lead_source",
      type: "string",
      description: "The lead's Lead Source (a value of that picklist in your org).",
      secret: false,
      required: false,
      default: "Web",
      example: "Event",
      pattern: "^[^<>]{1,40}$",
    },
    {
      name: "api_base_url",
      type: "url",
      description:
        "Where Web-to-Lead forms post: webto.salesforce.com, or your My Domain (https://<name>.my.salesforce.com).",
      secret: false,
      required: false,
      default: "https://webto.salesforce.com",
      example: "https://webto.salesforce.com",
      hosts: [".salesforce.com"],
      base: true,
    },
  ],
  webhooks: [
    {
      name: "Salesforce: lead from a new registration",
      trigger: "guest.create",
      method: "POST",
      url: "<api_base_url>/servlet/servlet.WebToLead?encoding=UTF-8",
      body_encoding: "form",
      payload_template: {
        oid: "<org_id>",
        first_name: "{{firstname}}",
        last_name: '{{lastname | default: "(not given)"}}',
        email: "{{email}}",
        company: '{{cpy_name | default: "(not given)"}}',
        title: "{{job_title}}",
        phone: "{{phone}}",
        city: "{{cpy_city}}",
        lead_source: "<lead_source>",
        description:
          'Registered for {{event.name}} ({{event.start_date | date: "YYYY-MM-DD"}}), registration {{uid}}.',
      },
    },
  ],
  field_mapping: [],
  fixed_configuration: {
    fields: [
      { name: "lastname", label: "Last name", type: "text", required: true },
      { name: "cpy_name", label: "Company", type: "text", required: true },
    ],
  },
};
