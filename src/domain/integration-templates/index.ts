import { airtable } from "./airtable";
import { hubspot } from "./hubspot";
import { mailchimp } from "./mailchimp";
import { microsoftTeams } from "./microsoft-teams";
import { salesforceWebToLead } from "./salesforce-web-to-lead";
import { slack } from "./slack";
import type { IntegrationTemplate } from "./template";
import { zapier } from "./zapier";

/**
 * The catalogue of integration templates (API.md §8, README "Native integrations"): one file per
 * service, each a plain description of the integration it creates. Listed in this order.
 */
export const TEMPLATES: readonly IntegrationTemplate[] = [
  slack,
  microsoftTeams,
  hubspot,
  mailchimp,
  salesforceWebToLead,
  airtable,
  zapier,
];

export const TEMPLATE_IDS = TEMPLATES.map((template) => template.id) as [string, ...string[]];

export const templateById = (id: string) => TEMPLATES.find((template) => template.id === id);

export {
  type IntegrationTemplate,
  paramProblems,
  paramValues,
  serializeTemplate,
  type TemplateParam,
  webhooksOf,
} from "./template";
