import { toBase64 } from "../../lib/encoding";
import type { JsonValue, MappingEntry, Trigger, WebhookMethod } from "../../lib/types";
import type { FixedFieldInput } from "../integration";
import type { WebhookInput } from "../webhook";
import type { BodyEncoding } from "../webhook-content";

/**
 * What an integration template is: data, one file per service beside this one. `<name>` in a
 * webhook's URL, header values, basic_auth or payload template strings stands for a parameter's
 * value, filled in once when the integration is created (`{{ }}` placeholders are rendered per
 * delivery, as in any webhook). test/domain/integration-templates.test.ts holds every template to
 * the rules below.
 */

export type TemplateParam = {
  name: string;
  /** `url`: an absolute URL checked by the webhook URL policy (and `hosts`). */
  type: "string" | "url";
  description: string;
  /** A credential: only in header values, basic_auth, or as a whole `secret_url`. */
  secret: boolean;
  required: boolean;
  /** Used when the parameter is not given (a parameter with a default is never required). */
  default?: string;
  example: string;
  /** The whole value must match this regular expression. */
  pattern?: string;
  enum?: readonly string[];
  /** A URL's host must be one of these, or end with one that starts with ".". */
  hosts?: readonly string[];
  /** A base URL: no query or fragment; a trailing "/" is dropped. */
  base?: boolean;
};

export type TemplateWebhook = {
  name: string;
  trigger: Trigger;
  method: WebhookMethod;
  url: string;
  secret_url?: boolean;
  headers?: Readonly<Record<string, string>>;
  /** Becomes `authorization: Basic base64(username:password)`, as curl's `--user`. */
  basic_auth?: { username: string; password: string };
  payload_template: JsonValue;
  body_encoding?: BodyEncoding;
};

export type IntegrationTemplate = {
  id: string;
  name: string;
  description: string;
  /** The vendor's public page that documents the request the template makes. */
  documentation_url: string;
  params: readonly TemplateParam[];
  webhooks: readonly TemplateWebhook[];
  field_mapping: readonly MappingEntry[];
  fixed_configuration: { fields: readonly FixedFieldInput[] };
};

const PARAM = /<([a-z][a-z0-9_]*)>/g;

/** The parameter names a string refers to. */
export const paramsIn = (text: string) => [...text.matchAll(PARAM)].map((match) => match[1]);

export type ParamProblem = { path: string; message: string };

/**
 * What is wrong with the parameters given for a template, as 422 details naming `params.<name>`;
 * [] when they can be used. `anyHost` lifts `hosts` (local development and tests, where the
 * deployment allows private targets and a stand-in plays the service).
 */
export function paramProblems(
  template: IntegrationTemplate,
  given: Readonly<Record<string, unknown>>,
  options: { anyHost: boolean },
): ParamProblem[] {
  const known = new Set(template.params.map((param) => param.name));
  const problems: ParamProblem[] = Object.keys(given)
    .filter((name) => !known.has(name))
    .map((name) => ({
      path: `params.${name}`,
      message: `Unknown parameter; ${template.name} takes ${[...known].join(", ")}.`,
    }));
  for (const param of template.params) {
    const value = given[param.name] ?? param.default;
    const message = value === undefined ? "Required." : valueProblem(param, value, options);
    if (message) problems.push({ path: `params.${param.name}`, message });
  }
  return problems;
}

function valueProblem(param: TemplateParam, value: unknown, options: { anyHost: boolean }) {
  if (typeof value !== "string") return "A string.";
  if (value.length === 0 || value.length > 2048) return "1 to 2048 characters.";
  // Values go into headers (no control characters) and templates (no placeholders of their own).
  if ([...value].some((char) => char < " " || char === "\x7f")) return "No control characters.";
  if (value.includes("{{") || value.includes("}}")) return "May not contain {{ or }}.";
  if (param.enum && !param.enum.includes(value)) return `One of ${param.enum.join(", ")}.`;
  if (param.pattern && !new RegExp(param.pattern).test(value)) {
    return `Not in the expected form (like ${param.example}).`;
  }
  if (param.type !== "url") return null;
  if (!URL.canParse(value)) return "Not an absolute URL.";
  const url = new URL(value);
  if (param.base && (url.search !== "" || url.hash !== "")) {
    return "A base URL, without query or fragment.";
  }
  const host = url.hostname;
  const allowed = (pattern: string) =>
    pattern.startsWith(".") ? host.endsWith(pattern) : host === pattern;
  if (param.hosts && !options.anyHost && !param.hosts.some(allowed)) {
    return `A URL of ${param.hosts.map((h) => (h.startsWith(".") ? `*${h}` : h)).join(" or ")}.`;
  }
  return null;
}

/** Each parameter's value: given or its default (the parameters are checked already). */
export function paramValues(
  template: IntegrationTemplate,
  given: Readonly<Record<string, unknown>>,
): Record<string, string> {
  return Object.fromEntries(
    template.params.map((param) => {
      const value = String(given[param.name] ?? param.default ?? "");
      return [param.name, param.base ? value.replace(/\/+$/, "") : value];
    }),
  );
}

/** The webhooks a template creates for these parameter values. */
export function webhooksOf(
  template: IntegrationTemplate,
  values: Readonly<Record<string, string>>,
): WebhookInput[] {
  const fill = (text: string) => text.replace(PARAM, (_, name: string) => values[name] ?? "");
  return template.webhooks.map((webhook) => {
    const headers = Object.fromEntries(
      Object.entries(webhook.headers ?? {}).map(([name, value]) => [name, fill(value)]),
    );
    if (webhook.basic_auth) {
      const { username, password } = webhook.basic_auth;
      const credentials = new TextEncoder().encode(`${fill(username)}:${fill(password)}`);
      headers.authorization = `Basic ${toBase64(credentials)}`;
    }
    return {
      name: webhook.name,
      trigger: webhook.trigger,
      method: webhook.method,
      url: fill(webhook.url),
      headers,
      event_uids: [],
      enabled: true,
      payload_template: mapStrings(webhook.payload_template, fill),
      body_encoding: webhook.body_encoding ?? "json",
      secret_url: webhook.secret_url ?? false,
      // Paced and ordered as any new webhook; the organiser changes it on the webhook.
      max_per_second: null,
      ordering: "none",
    };
  });
}

/** A JSON value with every string (not keys) passed through `map`. */
export function mapStrings(node: JsonValue, map: (text: string) => string): JsonValue {
  if (typeof node === "string") return map(node);
  if (Array.isArray(node)) return node.map((child) => mapStrings(child, map));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => [key, mapStrings(child, map)]),
    );
  }
  return node;
}

/** A template as the catalogue shows it: what it needs, and what it will create. */
export function serializeTemplate(template: IntegrationTemplate) {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    documentation_url: template.documentation_url,
    params: template.params.map((param) => ({
      name: param.name,
      type: param.type,
      description: param.description,
      secret: param.secret,
      required: param.required,
      // What a value must be, as JSON Schema (the hosts apart).
      schema: {
        type: "string" as const,
        ...(param.type === "url" ? { format: "uri" as const } : {}),
        ...(param.pattern ? { pattern: param.pattern } : {}),
        ...(param.enum ? { enum: [...param.enum] } : {}),
        ...(param.default !== undefined ? { default: param.default } : {}),
        examples: [param.example],
      },
      hosts: param.hosts ? [...param.hosts] : null,
    })),
    creates: {
      webhooks: template.webhooks.map((webhook) => {
        const headers: Record<string, string> = { ...webhook.headers };
        if (webhook.basic_auth) {
          const { username, password } = webhook.basic_auth;
          headers.authorization = `Basic base64(${username}:${password})`;
        }
        return {
          name: webhook.name,
          trigger: webhook.trigger,
          method: webhook.method,
          url: webhook.url,
          secret_url: webhook.secret_url ?? false,
          headers,
          body_encoding: webhook.body_encoding ?? "json",
          payload_template: webhook.payload_template,
        };
      }),
      field_mapping: [...template.field_mapping],
      fixed_configuration: { fields: [...template.fixed_configuration.fields] },
    },
  };
}
