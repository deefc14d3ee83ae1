import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createAccount,
  createAttendee,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWebhook,
} from "../factories";
import { type ApiResponse, BOOTSTRAP, expectError, request } from "../helpers/api";
import { channelUrl, newChannel } from "../helpers/receiver";
import { adminKeyPool, expectContractError, snapshot } from "../security/support";

/**
 * Every write route gets random and hostile bodies, parameters and headers. Whatever arrives:
 * never a 500, any refusal in the contract's error shape, and a refusal leaves D1 unchanged.
 */

type World = {
  accountId: string;
  /** The account's admin key. */
  key: string;
  profile: string;
  event: string;
  attendee: string;
  integration: string;
  liveKey: string;
  webhook: string;
};

type BaseKind = "string" | "number" | "boolean" | "array" | "object";
/** A property's type; `|null` where null is a value it takes (it means "inherit"). */
type Kind = BaseKind | `${BaseKind}|null`;

type WriteRoute = {
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path from its parameters, in order. */
  path: (ids: string[]) => string;
  /** The real identifiers the path takes. */
  ids: (w: World) => string[];
  /** A valid body; none for routes without one (their body is not fuzzed). */
  body?: (w: World) => Record<string, unknown>;
  /** Body properties and their type: a value of another type must give 400 VALIDATION_FAILED. */
  types?: Record<string, Kind>;
  /** POST /v1/accounts is the bootstrap token's. */
  bootstrap?: true;
};

const fieldMapping = [{ name: "contact_email", mapped_to: "email" }];

const ROUTES: Record<string, WriteRoute> = {
  "POST /v1/accounts": {
    method: "POST",
    path: () => "/v1/accounts",
    ids: () => [],
    body: () => ({ name: "Acme" }),
    types: { name: "string" },
    bootstrap: true,
  },
  "POST /v1/account/admin-keys": {
    method: "POST",
    path: () => "/v1/account/admin-keys",
    ids: () => [],
  },
  "DELETE /v1/account/admin-keys/{key_id}": {
    method: "DELETE",
    path: ([id]) => `/v1/account/admin-keys/${id}`,
    ids: () => ["key_00000000000000000000"],
  },
  "PUT /v1/account/field-mapping": {
    method: "PUT",
    path: () => "/v1/account/field-mapping",
    ids: () => [],
    body: () => ({ field_mapping: fieldMapping }),
    types: { field_mapping: "array" },
  },
  "POST /v1/profiles": {
    method: "POST",
    path: () => "/v1/profiles",
    ids: () => [],
    body: () => ({ name: "Brand" }),
    types: { name: "string" },
  },
  "PATCH /v1/profiles/{uid}": {
    method: "PATCH",
    path: ([uid]) => `/v1/profiles/${uid}`,
    ids: (w) => [w.profile],
    body: () => ({ name: "Brand renamed" }),
    types: { name: "string" },
  },
  "DELETE /v1/profiles/{uid}": {
    method: "DELETE",
    path: ([uid]) => `/v1/profiles/${uid}`,
    ids: (w) => [w.profile],
  },
  "PUT /v1/profiles/{uid}/field-mapping": {
    method: "PUT",
    path: ([uid]) => `/v1/profiles/${uid}/field-mapping`,
    ids: (w) => [w.profile],
    body: () => ({ field_mapping: fieldMapping }),
    types: { field_mapping: "array" },
  },
  "PUT /v1/profiles/{uid}/integration": {
    method: "PUT",
    path: ([uid]) => `/v1/profiles/${uid}/integration`,
    ids: (w) => [w.profile],
    body: (w) => ({ integration_id: w.integration }),
    types: { integration_id: "string" },
  },
  "DELETE /v1/profiles/{uid}/integration": {
    method: "DELETE",
    path: ([uid]) => `/v1/profiles/${uid}/integration`,
    ids: (w) => [w.profile],
  },
  "POST /v1/events": {
    method: "POST",
    path: () => "/v1/events",
    ids: () => [],
    body: (w) => ({
      profile_uid: w.profile,
      name: "Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    }),
    types: {
      profile_uid: "string",
      name: "string",
      start_date: "string",
      end_date: "string",
      languages: "array",
      fields: "array",
    },
  },
  "PATCH /v1/events/{uid}": {
    method: "PATCH",
    path: ([uid]) => `/v1/events/${uid}`,
    ids: (w) => [w.event],
    body: () => ({ name: "Summit renamed" }),
    types: { name: "string", start_date: "string", languages: "array", fields: "array" },
  },
  "DELETE /v1/events/{uid}": {
    method: "DELETE",
    path: ([uid]) => `/v1/events/${uid}`,
    ids: (w) => [w.event],
  },
  "PUT /v1/events/{uid}/integration": {
    method: "PUT",
    path: ([uid]) => `/v1/events/${uid}/integration`,
    ids: (w) => [w.event],
    body: (w) => ({ integration_id: w.integration, field_mapping: fieldMapping }),
    types: {
      field_mapping: "array",
      mapping_mode: "string",
      fire_on_payment: "boolean|null",
      webhooks_enabled: "boolean",
    },
  },
  "DELETE /v1/events/{uid}/integration": {
    method: "DELETE",
    path: ([uid]) => `/v1/events/${uid}/integration`,
    ids: (w) => [w.event],
  },
  "POST /v1/events/{uid}/actions/{webhook_id}": {
    method: "POST",
    path: ([uid, webhook]) => `/v1/events/${uid}/actions/${webhook}`,
    ids: (w) => [w.event, w.webhook],
  },
  "POST /v1/attendees": {
    method: "POST",
    path: () => "/v1/attendees",
    ids: () => [],
    body: (w) => ({ event_uid: w.event, fields: { email: "guest@example.com" } }),
    types: { event_uid: "string", fields: "object", amount_tax_excl: "number" },
  },
  "PATCH /v1/attendees/{uid}": {
    method: "PATCH",
    path: ([uid]) => `/v1/attendees/${uid}`,
    ids: (w) => [w.attendee],
    body: () => ({ fields: { firstname: "Janet" } }),
    types: { fields: "object", amount_tax: "number" },
  },
  "DELETE /v1/attendees/{uid}": {
    method: "DELETE",
    path: ([uid]) => `/v1/attendees/${uid}`,
    ids: (w) => [w.attendee],
  },
  "POST /v1/attendees/{uid}/payments": {
    method: "POST",
    path: ([uid]) => `/v1/attendees/${uid}/payments`,
    ids: (w) => [w.attendee],
    body: () => ({ amount: 121, method: "card" }),
    types: { amount: "number", method: "string" },
  },
  "POST /v1/attendees/{uid}/actions/{webhook_id}": {
    method: "POST",
    path: ([uid, webhook]) => `/v1/attendees/${uid}/actions/${webhook}`,
    ids: (w) => [w.attendee, w.webhook],
  },
  "POST /v1/integrations": {
    method: "POST",
    path: () => "/v1/integrations",
    ids: () => [],
    body: () => ({ name: "CRM", webhooks_enabled: false }),
    types: {
      name: "string",
      profile_uids: "array",
      api_access: "boolean",
      fixed_configuration: "object",
    },
  },
  "PATCH /v1/integrations/{id}": {
    method: "PATCH",
    path: ([id]) => `/v1/integrations/${id}`,
    ids: (w) => [w.integration],
    body: () => ({ name: "CRM renamed" }),
    types: { name: "string", api_access: "boolean", field_mapping: "array" },
  },
  "DELETE /v1/integrations/{id}": {
    method: "DELETE",
    path: ([id]) => `/v1/integrations/${id}`,
    ids: (w) => [w.integration],
  },
  "POST /v1/integrations/{id}/keys": {
    method: "POST",
    path: ([id]) => `/v1/integrations/${id}/keys`,
    ids: (w) => [w.integration],
    body: () => ({ scopes: ["events:read"] }),
    types: { scopes: "array", expires_at: "string" },
  },
  "POST /v1/integrations/{id}/keys/{key_id}/rotate": {
    method: "POST",
    path: ([id, key]) => `/v1/integrations/${id}/keys/${key}/rotate`,
    ids: (w) => [w.integration, "key_00000000000000000000"],
    body: () => ({ grace_seconds: 60 }),
    types: { grace_seconds: "number" },
  },
  "DELETE /v1/integrations/{id}/keys/{key_id}": {
    method: "DELETE",
    path: ([id, key]) => `/v1/integrations/${id}/keys/${key}`,
    ids: (w) => [w.integration, w.liveKey],
  },
  "POST /v1/integrations/{id}/webhooks": {
    method: "POST",
    path: ([id]) => `/v1/integrations/${id}/webhooks`,
    ids: (w) => [w.integration],
    body: () => ({
      name: "Push",
      trigger: "guest.create",
      url: channelUrl(newChannel()),
      headers: { "x-tenant": "acme" },
    }),
    types: {
      name: "string",
      trigger: "string",
      url: "string",
      headers: "object",
      enabled: "boolean",
    },
  },
  "PATCH /v1/integrations/{id}/webhooks/{webhook_id}": {
    method: "PATCH",
    path: ([id, webhook]) => `/v1/integrations/${id}/webhooks/${webhook}`,
    ids: (w) => [w.integration, w.webhook],
    body: () => ({ name: "Push renamed" }),
    types: { name: "string", url: "string", headers: "object", method: "string" },
  },
  "DELETE /v1/integrations/{id}/webhooks/{webhook_id}": {
    method: "DELETE",
    path: ([id, webhook]) => `/v1/integrations/${id}/webhooks/${webhook}`,
    ids: (w) => [w.integration, w.webhook],
  },
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/secret/rotate": {
    method: "POST",
    path: ([id, webhook]) => `/v1/integrations/${id}/webhooks/${webhook}/secret/rotate`,
    ids: (w) => [w.integration, "whk_00000000000000000000"],
  },
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/test": {
    method: "POST",
    path: ([id, webhook]) => `/v1/integrations/${id}/webhooks/${webhook}/test`,
    ids: (w) => [w.integration, "whk_00000000000000000000"],
  },
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/recover": {
    method: "POST",
    path: ([id, webhook]) => `/v1/integrations/${id}/webhooks/${webhook}/recover`,
    ids: (w) => [w.integration, w.webhook],
    body: () => ({ since: "2026-01-01T00:00:00Z" }),
    types: { since: "string" },
  },
  "POST /v1/deliveries/{id}/redeliver": {
    method: "POST",
    path: ([id]) => `/v1/deliveries/${id}/redeliver`,
    ids: () => ["dlv_00000000000000000000"],
  },
};

// --- generators ---------------------------------------------------------------------------------

const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];

const unicode = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "\u0000",
    "\ud800",
    "\u202e\u202d",
    "\ufeff",
    "e\u0301",
    "🏳️‍🌈",
    "ｅｖｔ＿",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
    "${7*7}",
  ),
);

/** JSON text of hostile values, so prototype keys and deep nesting reach the server as written. */
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  unicode.map((s) => JSON.stringify(s)),
  fc.integer({ min: 1_000, max: 120_000 }).map((n) => JSON.stringify("x".repeat(n))),
  fc.integer({ min: 50, max: 20_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 50, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.constantFrom("1e308", "-1e308", "-0", "123456789012345678901234567890", "0.1e-400"),
  fc
    .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(([k, v]) => `{${JSON.stringify(k)}:${JSON.stringify(v)},"polluted":true}`),
);

/** A whole body: a random JSON value, or the valid body with one property made hostile. */
function hostileBody(base: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = [...Object.keys(base), ...PROTO_KEYS, "fields", "id", "account_id"];
  const withProperty = fc.tuple(fc.constantFrom(...keys), hostileJson).map(([key, value]) => {
    const rest = JSON.stringify({ ...base, [key]: undefined }).slice(1);
    return `{${JSON.stringify(key)}:${value}${rest === "}" ? "}" : `,${rest}`}`;
  });
  const raw = fc.oneof(
    hostileJson,
    fc.constantFrom("", "{", "{'a':1}", '{"a":1,}', "null", "[]", "\u0000", '{"a":"\\ud800"}'),
    fc.string({ maxLength: 100 }),
  );
  return fc.oneof({ weight: 3, arbitrary: withProperty }, { weight: 1, arbitrary: raw });
}

function wrongValue(kind: Kind): fc.Arbitrary<unknown> {
  const [base, nullable] = kind.split("|") as [BaseKind, string | undefined];
  const all: Record<BaseKind, fc.Arbitrary<unknown>> = {
    string: unicode,
    number: fc.double({ noNaN: true, noDefaultInfinity: true }),
    boolean: fc.boolean(),
    array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
    object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
      maxKeys: 3,
    }),
  };
  const others = (Object.keys(all) as BaseKind[]).filter((k) => k !== base).map((k) => all[k]);
  // `object` also rules out arrays; `fields` of an attendee takes any object but no array.
  return nullable ? fc.oneof(...others) : fc.oneof(...others, fc.constant(null));
}

/** A path parameter nobody owns: unicode, traversal, encodings, huge, other accounts' shapes. */
const hostileParam = fc.oneof(
  unicode.filter((s) => s.length > 0),
  fc.constantFrom(
    "..",
    "%2e%2e",
    "prf_",
    "evt_00000000000000000000",
    "int_' OR '1'='1",
    "__proto__",
    "constructor",
    "null",
    "undefined",
    "0",
    "-1",
  ),
  fc.integer({ min: 100, max: 8_000 }).map((n) => "a".repeat(n)),
);

const ASCII = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode) });

const hostileHeaders = fc.record(
  {
    "content-type": fc.oneof(
      fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "application/jsonx",
        "application/json",
        "",
      ),
      ASCII,
    ),
    "idempotency-key": fc.oneof(
      ASCII,
      fc.integer({ min: 250, max: 400 }).map((n) => "k".repeat(n)),
    ),
    "x-http-method-override": fc.constantFrom("DELETE", "GET", "PUT"),
    "x-forwarded-for": fc.constantFrom("127.0.0.1", "::1", "10.0.0.1"),
    accept: ASCII,
  },
  { requiredKeys: [] },
);

/** Percent-encodes a parameter; lone surrogates (not encodable) become "?". */
function encodeParam(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, "?"));
  }
}

// --- the document ------------------------------------------------------------------------------

type Schema = {
  $ref?: string;
  properties?: Record<string, unknown>;
  anyOf?: Schema[];
  allOf?: Schema[];
};
type Doc = {
  paths: Record<string, Record<string, OperationDoc>>;
  components: { schemas: Record<string, Schema> };
};
type OperationDoc = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

let documentRead: Promise<Doc> | undefined;
const openApiDocument = () => {
  documentRead ??= request("GET", "/openapi.json").then((response) => response.body as Doc);
  return documentRead;
};

/** The property names of a schema (every branch of a union), references followed. */
function propertiesOf(doc: Doc, schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (schema.$ref)
    return propertiesOf(doc, doc.components.schemas[schema.$ref.split("/").pop() ?? ""]);
  const parts = [...(schema.anyOf ?? []), ...(schema.allOf ?? [])];
  const own = Object.keys(schema.properties ?? {});
  return [...new Set([...own, ...parts.flatMap((part) => propertiesOf(doc, part))])];
}

/**
 * What the route answers but does not take: the resource's read-only properties (ids, times,
 * counters, secrets' prefixes), each of which a body must not be able to set.
 */
async function readOnlyProperties(routeName: string): Promise<string[]> {
  const doc = await openApiDocument();
  const [method, path] = routeName.split(" ");
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${routeName} is not in the document`);
  const json = (content?: Record<string, { schema: Schema }>) =>
    content?.["application/json"]?.schema;
  const taken = new Set(propertiesOf(doc, json(operation.requestBody?.content)));
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith("2"));
  const envelope = json(success?.[1].content);
  const data = (envelope?.properties?.data ?? undefined) as Schema | undefined;
  return propertiesOf(doc, data).filter((name) => !taken.has(name));
}

// --- running ------------------------------------------------------------------------------------

/** A fresh account with one of everything: each route gets its own, so runs stay small. */
async function createRouteWorld(): Promise<World> {
  const { account, key } = await createAccount();
  const profile = await createProfile(key);
  const event = await createEvent(key, profile.uid);
  const attendee = await createAttendee(key, event.uid);
  const integration = await createIntegration(key, {
    profile_uids: [profile.uid],
    webhooks_enabled: false,
  });
  const live = await createIntegrationKey(key, integration.id);
  const webhook = await createWebhook(key, integration.id, { url: channelUrl(newChannel()) });
  return {
    accountId: account.id,
    key,
    profile: profile.uid,
    event: event.uid,
    attendee: attendee.uid,
    integration: integration.id,
    liveKey: live.id,
    webhook: webhook.id,
  };
}

/** A request as sent over the network: the body as written, JSON unless the headers say else. */
function send(call: {
  method: string;
  path: string;
  key: string;
  body?: string;
  headers?: Record<string, string>;
}): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (call.body !== undefined) headers["content-type"] = "application/json";
  Object.assign(headers, call.headers);
  return request(call.method, call.path, { key: call.key, raw: call.body, headers });
}

/** The key each request of a route sends: admin keys that stay under the rate limit. */
function keySource(route: WriteRoute, world: World): () => Promise<string> {
  return route.bootstrap ? async () => BOOTSTRAP : adminKeyPool(world.key);
}

/**
 * The invariant: a refusal is in the contract's shape and leaves D1 as it was; a success is
 * possible (a hostile but valid name is still a name); a 500 never happens.
 */
async function checkInvariant(
  world: World,
  response: ApiResponse,
  before: string,
  options: { mustRefuse?: boolean } = {},
) {
  expect(response.status, JSON.stringify(response.body)?.slice(0, 300)).not.toBe(500);
  if (response.status < 400) {
    expect(
      options.mustRefuse,
      `accepted: ${JSON.stringify(response.body)?.slice(0, 300)}`,
    ).not.toBe(true);
    return;
  }
  expect([400, 401, 403, 404, 409, 413, 422]).toContain(response.status);
  expectContractError(response);
  expect(await snapshot(world.accountId)).toBe(before);
}

describe("regressions the properties found", () => {
  it("an empty body sent as text/plain is a 400 BAD_REQUEST, not a 500 (was hono's 415)", async () => {
    const { key } = await createAccount();
    const variants: Record<string, string>[] = [{ "content-type": "text/plain" }, {}];
    for (const headers of variants) {
      const response = await request("POST", "/v1/profiles", { key, headers, raw: "" });
      expectError(response, 400, "BAD_REQUEST");
    }
  });
});

const RUNS = { bodies: 40, types: 25, params: 25, headers: 20 };

describe.each(Object.entries(ROUTES))("%s", { timeout: 60_000 }, (_name, route) => {
  const bootstrapRuns = (n: number) => (route.bootstrap ? Math.min(n, 12) : n);
  let world: World;
  beforeAll(async () => {
    world = await createRouteWorld();
  });

  if (route.body) {
    const body = route.body;
    it("answers hostile bodies without a 500, refusals in the error shape, nothing stored", async () => {
      const nextKey = keySource(route, world);
      const ids = route.ids(world);
      await fc.assert(
        fc.asyncProperty(hostileBody(body(world)), async (raw) => {
          const key = await nextKey();
          const before = await snapshot(world.accountId);
          const response = await send({
            method: route.method,
            path: route.path(ids),
            key,
            body: raw,
          });
          await checkInvariant(world, response, before);
        }),
        { numRuns: bootstrapRuns(RUNS.bodies) },
      );
    });
  }

  if (route.body && route.types) {
    const body = route.body;
    const types = Object.entries(route.types);
    it("refuses a property of the wrong type with 400 VALIDATION_FAILED naming it", async () => {
      const nextKey = keySource(route, world);
      const ids = route.ids(world);
      const wrong = fc
        .constantFrom(...types)
        .chain(([name, kind]) => wrongValue(kind).map((value) => ({ name, value })));
      await fc.assert(
        fc.asyncProperty(wrong, async ({ name, value }) => {
          const key = await nextKey();
          const before = await snapshot(world.accountId);
          const response = await send({
            method: route.method,
            path: route.path(ids),
            key,
            body: JSON.stringify({ ...body(world), [name]: value }),
          });
          await checkInvariant(world, response, before, { mustRefuse: true });
          expect(response.status).toBe(400);
          const error = (response.body as { error: { code: string; details: { path: string }[] } })
            .error;
          expect(error.code).toBe("VALIDATION_FAILED");
          expect(error.details.map((d) => d.path.split(".")[0])).toContain(name);
        }),
        { numRuns: bootstrapRuns(RUNS.types) },
      );
    });
  }

  if (route.body) {
    const body = route.body;
    it("refuses every read-only property of the resource with 400 naming it (mass assignment)", async () => {
      const nextKey = keySource(route, world);
      const ids = route.ids(world);
      const readOnly = await readOnlyProperties(_name);
      // A route that answers a resource it creates or changes has ids and times to protect.
      if (!_name.endsWith("field-mapping")) expect(readOnly.length).toBeGreaterThan(0);
      for (const name of readOnly) {
        const key = await nextKey();
        const before = await snapshot(world.accountId);
        const response = await send({
          method: route.method,
          path: route.path(ids),
          key,
          body: JSON.stringify({ ...body(world), [name]: "set-by-client" }),
        });
        await checkInvariant(world, response, before, { mustRefuse: true });
        const error = expectError(response, 400, "VALIDATION_FAILED");
        expect(error.details.map((d) => d.path)).toContain(name);
      }
    });
  }

  if (route.ids({} as World).length > 0) {
    it("answers hostile path parameters with a refusal in the error shape, nothing stored", async () => {
      const nextKey = keySource(route, world);
      const ids = route.ids(world);
      const params = fc.tuple(fc.nat({ max: ids.length - 1 }), hostileParam);
      await fc.assert(
        fc.asyncProperty(params, async ([index, value]) => {
          const key = await nextKey();
          const before = await snapshot(world.accountId);
          const path = route.path(ids.map((id, i) => (i === index ? encodeParam(value) : id)));
          const response = await send({
            method: route.method,
            path,
            key,
            body: route.body ? JSON.stringify(route.body(world)) : undefined,
          });
          await checkInvariant(world, response, before, { mustRefuse: true });
        }),
        { numRuns: RUNS.params },
      );
    });
  }

  it("answers hostile headers without a 500, refusals in the error shape, nothing stored", async () => {
    const nextKey = keySource(route, world);
    // Routes without a body run against identifiers nobody owns, so nothing is deleted or sent.
    const ids = route.ids(world).map((id) => (route.body ? id : `${id.slice(0, 4)}missing`));
    await fc.assert(
      fc.asyncProperty(hostileHeaders, async (headers) => {
        const key = await nextKey();
        const before = await snapshot(world.accountId);
        const response = await send({
          method: route.method,
          path: route.path(ids),
          key,
          body: route.body ? JSON.stringify(route.body(world)) : undefined,
          headers,
        });
        await checkInvariant(world, response, before);
      }),
      { numRuns: bootstrapRuns(RUNS.headers) },
    );
  });
});
