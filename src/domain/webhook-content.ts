import type { JsonValue, MappingEntry } from "../lib/types";
import { isFreeField, NATIVE_FORM_FIELD_NAMES, SYSTEM_FIELD_NAMES } from "./attendee";
import { EVENT_FIELD_NAMES } from "./event";
import { applyMapping } from "./mapping";
import {
  renderTemplate,
  renderUrlTemplate,
  TemplateError,
  type TemplateScope,
  validateTemplate,
  validateUrlTemplate,
} from "./payload-template";

/**
 * What a webhook sends for a trigger (API.md §6, §8): the body and the URL, rendered from its
 * payload template and URL placeholders, or the item as it is. Pure. Fan-out (the consumer and
 * manual actions), the preview and test sends all render through here, so they agree.
 */

/** The parts of a webhook that decide what it sends. */
export type WebhookContent = {
  url: string;
  payloadTemplate: JsonValue;
  bodyEncoding: BodyEncoding;
};

export const BODY_ENCODINGS = ["json", "form"] as const;
export type BodyEncoding = (typeof BODY_ENCODINGS)[number];

/** What a template reads besides the item: the account, and the event a guest belongs to. */
export type ScopeContext = {
  account: { id: string; name: string };
  /** The event as GET /v1/events/{uid} shows it; null when it no longer exists. */
  event: Record<string, unknown> | null;
};

/**
 * The scope of one trigger: the item is the event, or the attendee through the mapping; `event`
 * is the event either way (for an attendee whose event is gone, the event fields it carries).
 */
export function templateScope(
  trigger: string,
  snapshot: Record<string, unknown>,
  mapping: readonly MappingEntry[],
  context: ScopeContext,
): TemplateScope {
  if (!trigger.startsWith("guest.")) {
    return { item: snapshot, event: snapshot, trigger, account: context.account };
  }
  return {
    item: applyMapping(snapshot, mapping),
    event: context.event ?? {
      uid: snapshot.event_uid,
      name: snapshot.event_name,
      start_date: snapshot.event_start_date,
      end_date: snapshot.event_end_date,
    },
    trigger,
    account: context.account,
  };
}

/** A delivery's content: the JSON body, and the URL when the webhook's has placeholders. */
export type Rendered = { payload: string; url: string | null };

/**
 * Renders a webhook's body and URL for a scope. Throws only a TemplateError, its path naming the
 * webhook's property: `payload_template.<entry>` or `url`.
 */
export function renderContent(webhook: WebhookContent, scope: TemplateScope): Rendered {
  const body =
    webhook.payloadTemplate === null
      ? scope.item
      : underProperty("payload_template", () => renderTemplate(webhook.payloadTemplate, scope));
  const url = hasPlaceholders(webhook.url)
    ? underProperty("url", () => renderUrlTemplate(webhook.url, scope))
    : null;
  return { payload: JSON.stringify(body), url };
}

/** renderContent with its failure as a value: fan-out, previews and test sends each record it. */
export function tryRenderContent(
  webhook: WebhookContent,
  scope: TemplateScope,
): { rendered: Rendered } | { failed: TemplateError } {
  try {
    return { rendered: renderContent(webhook, scope) };
  } catch (error) {
    if (error instanceof TemplateError) return { failed: error };
    throw error;
  }
}

/** What an attempt row and a preview say about a rendering that failed. */
export function renderingFailure(error: TemplateError): string {
  return `Not sent: the webhook's ${error.path} could not be rendered. ${error.message}`;
}

export const hasPlaceholders = (text: string) => text.includes("{{");

function underProperty<T>(property: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new TemplateError(joinPath(property, error.path), error.message);
  }
}

const joinPath = (property: string, path: string) =>
  path === "" ? property : `${property}.${path}`;

/**
 * A JSON body as `application/x-www-form-urlencoded`: one field per top-level key, its value as
 * text the way placeholders write it (strings as they are, null as "", anything else as JSON).
 * A form webhook's body is always an object (webhookContentProblems); anything else has no fields.
 */
export function formEncoded(payload: string): string {
  const body = JSON.parse(payload) as unknown;
  const form = new URLSearchParams();
  if (body === null || typeof body !== "object" || Array.isArray(body)) return "";
  for (const [name, value] of Object.entries(body)) {
    form.append(
      name,
      typeof value === "string" ? value : value === null ? "" : JSON.stringify(value),
    );
  }
  return form.toString();
}

export const contentTypeOf = (encoding: BodyEncoding) =>
  encoding === "form" ? "application/x-www-form-urlencoded" : "application/json";

/**
 * Which root names a template may use, for the 422s of a save (a typo guard: a known name may
 * still be missing on one item, and renders empty). Event triggers: the event's fields. Guest
 * triggers: the attendee's system fields, Weft's native form field names and free fields, and
 * `names`: the form fields and mapped names the account has defined (services/webhooks.ts).
 */
export function knownFieldsFor(trigger: string, names: Iterable<string> = []) {
  if (!trigger.startsWith("guest.")) {
    const fields = new Set<string>(EVENT_FIELD_NAMES);
    return (root: string) => fields.has(root);
  }
  const fields = new Set<string>([...SYSTEM_FIELD_NAMES, ...NATIVE_FORM_FIELD_NAMES, ...names]);
  return (root: string) => fields.has(root) || isFreeField(root);
}

/** What decides whether a webhook's content can be saved. */
export type ContentInput = {
  method: string;
  url: string;
  payload_template: JsonValue;
  body_encoding: BodyEncoding;
  secret_url: boolean;
};

/**
 * What is wrong with a webhook's content, as 422 details: the payload template's entries
 * (`payload_template.<entry>`), the URL's placeholders (`url`), and combinations that cannot be
 * sent (a body on GET or DELETE, a form that is not an object, placeholders in a secret URL).
 */
export function webhookContentProblems(
  input: ContentInput,
  isKnownField: (root: string) => boolean,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const bodyless = input.method === "GET" || input.method === "DELETE";
  const template = input.payload_template;
  if (template !== null) {
    if (bodyless) {
      problems.push({
        path: "payload_template",
        message: "GET and DELETE webhooks send no body: remove the template or change the method.",
      });
    }
    for (const problem of validateTemplate(template, { isKnownField })) {
      problems.push({ path: joinPath("payload_template", problem.path), message: problem.message });
    }
  }
  if (input.body_encoding === "form") {
    if (bodyless) {
      problems.push({ path: "body_encoding", message: "GET and DELETE webhooks send no body." });
    } else if (template !== null && (typeof template !== "object" || Array.isArray(template))) {
      problems.push({
        path: "payload_template",
        message: "A form-encoded body is an object whose keys are the form's fields.",
      });
    }
  }
  if (hasPlaceholders(input.url)) {
    if (input.secret_url) {
      problems.push({
        path: "url",
        message: "A secret URL is stored encrypted and cannot hold placeholders.",
      });
    }
    for (const problem of validateUrlTemplate(input.url, { isKnownField })) {
      problems.push({ path: "url", message: problem.message });
    }
  }
  return problems;
}
