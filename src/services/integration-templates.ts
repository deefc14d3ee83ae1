import { checkTargetUrl } from "../delivery/target-policy";
import type { Deps } from "../deps";
import type { FixedFieldInput } from "../domain/integration";
import {
  paramProblems,
  paramValues,
  TEMPLATES,
  templateById,
  webhooksOf,
} from "../domain/integration-templates";
import { type Pagination, pageWindow } from "../domain/pagination";
import type { WebhookInput } from "../domain/webhook";
import { ApiError, notFound } from "../errors";
import type { MappingEntry } from "../lib/types";
import { checkContent, knownFields } from "./webhooks";

/** The catalogue of integration templates (domain/integration-templates), a page at a time. */
export function listTemplates(query: Pick<Pagination, "page" | "page_size">) {
  const { offset, limit } = pageWindow(query);
  return { items: TEMPLATES.slice(offset, offset + limit), total: TEMPLATES.length };
}

export function getTemplate(id: string) {
  const template = templateById(id);
  if (!template) throw notFound("Integration template");
  return template;
}

/** What an integration made from a template holds, besides what every integration has. */
export type TemplatePlan = {
  templateId: string;
  name: string;
  webhooks: WebhookInput[];
  field_mapping: MappingEntry[];
  fixed_configuration: { fields: FixedFieldInput[] };
};

/**
 * The integration a template makes from `params`: its webhooks (secrets still in clear, for the
 * caller to encrypt), mapping and fixed configuration. The parameters are checked by the
 * template's own rules and URL parameters by the webhook URL policy: 422 naming `params.<name>`.
 */
export function planFromTemplate(
  deps: Deps,
  templateId: string,
  params: Readonly<Record<string, unknown>>,
): TemplatePlan {
  const template = templateById(templateId);
  if (!template) {
    throw new ApiError("VALIDATION_FAILED", "Unknown template.", {
      details: [{ path: "template", message: `No template ${templateId}.` }],
    });
  }
  const details = paramProblems(template, params, { anyHost: deps.targets.allowPrivate });
  const values = paramValues(template, params);
  for (const param of template.params) {
    if (param.type !== "url" || details.some((d) => d.path === `params.${param.name}`)) continue;
    const verdict = checkTargetUrl(values[param.name], deps.targets);
    if (!verdict.ok) details.push({ path: `params.${param.name}`, message: verdict.reason });
  }
  if (details.length > 0) {
    throw new ApiError(
      "UNPROCESSABLE",
      `These parameters do not fit the ${template.name} template.`,
      {
        details,
      },
    );
  }
  const plan = {
    templateId: template.id,
    name: template.name,
    webhooks: webhooksOf(template, values),
    field_mapping: [...template.field_mapping],
    fixed_configuration: { fields: [...template.fixed_configuration.fields] },
  };
  // The catalogue's tests hold every template to this; a parameter value cannot break it.
  const integration = {
    fieldMapping: plan.field_mapping,
    fixedConfiguration: plan.fixed_configuration,
  };
  for (const webhook of plan.webhooks) {
    checkContent(webhook, knownFields(webhook.trigger, integration));
  }
  return plan;
}
