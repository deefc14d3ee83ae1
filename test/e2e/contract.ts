import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// Checks answers of the running server against the OpenAPI document it serves: the operation
// the request hit must declare the status, and the body must validate against that status's
// schema (JSON Schema 2020-12, which OpenAPI 3.1 schemas are).

type Json = Record<string, unknown>;
type Document = {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
  components: Record<string, Record<string, Json>>;
};

export type Exchange = { method: string; url: string; status: number; body: string };

export function contractOf(doc: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const resolve = (node: Json): Json => {
    const ref = node.$ref as string | undefined;
    if (!ref) return node;
    const [, section, name] = ref.replace("#/", "").split("/");
    return resolve(doc.components[section][name]);
  };
  const templates = Object.keys(doc.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    // The most literal template wins (`/v1/events/{uid}/fields` over a parameter there).
    literal: path.split("/").filter((part) => !part.startsWith("{")).length,
  }));

  /** Every way `exchange` departs from the document (empty when it conforms). */
  return function check({ method, url, status, body }: Exchange): string[] {
    const where = `${method} ${new URL(url).pathname} ${status}`;
    const path = new URL(url).pathname;
    const template = templates
      .filter((t) => t.pattern.test(path))
      .sort((a, b) => b.literal - a.literal)[0];
    const operation = template && doc.paths[template.path][method.toLowerCase()];
    if (!operation) return [`${where}: no such operation in the document`];
    const declared = operation.responses[String(status)];
    if (!declared) return [`${where}: status not declared for ${template.path}`];
    const response = resolve(declared);
    const media = (response.content as Record<string, Json> | undefined)?.["application/json"];
    if (!media) return body === "" ? [] : [`${where}: a body where the document declares none`];
    const schema = media.schema as Json;
    // The schema with the document's components beside it, so its `#/components/...` resolve.
    const validate = ajv.compile({ ...schema, components: doc.components });
    if (validate(JSON.parse(body))) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath} ${e.message}`);
  };
}

/** What `recordingFetch` keeps of an exchange besides what `check` reads. */
export type Recorded = Exchange & {
  requestBody: string;
  authorization: string | null;
  sentBookmark: string | null;
  receivedBookmark: string | null;
};

/** A fetch that records every exchange it makes, for `contractOf(doc)` to check. */
export function recordingFetch(log: Recorded[]) {
  return async (request: Request): Promise<Response> => {
    const requestBody = await request.clone().text();
    const response = await fetch(request);
    const body = await response.clone().text();
    log.push({
      method: request.method,
      url: request.url,
      status: response.status,
      body,
      requestBody,
      authorization: request.headers.get("authorization"),
      sentBookmark: request.headers.get("x-d1-bookmark"),
      receivedBookmark: response.headers.get("x-d1-bookmark"),
    });
    return response;
  };
}
