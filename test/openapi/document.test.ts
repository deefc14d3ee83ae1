import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { TRIGGERS } from "../../src/lib/types";

// The rules the OpenAPI document keeps beyond what Spectral and Redocly check
// (test/e2e/openapi-tools.test.ts runs those): what a newcomer, Swagger UI's try-it-out and a
// generated client need from it.

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Json[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses: Record<string, Json>;
};

let doc: {
  info: Json;
  servers: Json[];
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Json>>;
};

/** Follows a local `$ref`. */
function resolve<T = Json>(node: unknown): T {
  const ref = (node as { $ref?: string })?.$ref;
  if (!ref) return node as T;
  const [, section, name] = ref.replace("#/", "").split("/");
  return resolve<T>(doc.components[section][name]);
}

function operations() {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

function webhookOperations() {
  return Object.entries(doc.webhooks).flatMap(([name, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path: name, method, operation })),
  );
}

beforeAll(async () => {
  const response = await exports.default.fetch("http://weft.test/openapi.json");
  expect(response.headers.get("content-type")).toBe("application/json");
  doc = await response.json();
});

describe("the OpenAPI document", () => {
  it("sends try-it-out to the server it came from, and says who made it under what terms", () => {
    expect(doc.servers.map((server) => server.url)).toEqual(["/"]);
    expect(doc.info.contact).toMatchObject({ name: expect.stringContaining("Weft") });
    expect(doc.info.license).toMatchObject({
      name: expect.any(String),
      url: expect.stringMatching(/^https:\/\//),
    });
  });

  it("declares its tags in the order of the story, each described, and uses only those", () => {
    expect(doc.tags.map((tag) => tag.name)).toEqual([
      "Accounts",
      "Profiles",
      "Events",
      "Attendees",
      "Integrations",
      "Integration templates",
      "Integration keys",
      "Field mapping",
      "Webhooks",
      "Activation",
      "Event overrides",
      "Deliveries",
      "Manual actions",
      "Receiving webhooks",
    ]);
    for (const tag of doc.tags) expect(tag.description?.length, tag.name).toBeGreaterThan(60);
    const declared = new Set(doc.tags.map((tag) => tag.name));
    const used = new Set(
      [...operations(), ...webhookOperations()].flatMap(({ operation }) => operation.tags ?? []),
    );
    expect([...used].sort()).toEqual([...declared].sort());
  });

  it("names every operation as an SDK would (unique camelCase) and describes it", () => {
    const all = [...operations(), ...webhookOperations()];
    const ids = all.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(all.length);
    for (const { path, method, operation } of all) {
      const where = `${method} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(operation.summary, where).toBeTruthy();
      expect(operation.description?.length ?? 0, where).toBeGreaterThan(20);
      expect(operation.tags, where).toHaveLength(1);
    }
    expect(ids).toEqual(
      expect.arrayContaining([
        "createAccount",
        "createProfile",
        "createEvent",
        "createAttendee",
        "listAttendees",
        "createIntegration",
        "createIntegrationKey",
        "createWebhook",
        "activateIntegration",
        "setEventOverride",
        "redeliverDelivery",
        "runAttendeeAction",
      ]),
    );
  });

  it("describes every parameter, and pre-fills none that is optional", () => {
    for (const { path, method, operation } of [...operations(), ...webhookOperations()]) {
      for (const parameter of (operation.parameters ?? []).map((p) => resolve(p))) {
        const where = `${method} ${path} ${parameter.in} ${parameter.name}`;
        expect(String(parameter.description ?? "").length, where).toBeGreaterThan(10);
        if (parameter.required) continue;
        // Swagger UI fills an optional parameter's example in and sends it.
        const schema = resolve(parameter.schema);
        expect([parameter.example, parameter.examples, schema.example], where).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
      }
    }
    const createEvent = doc.paths["/v1/events"].post.parameters?.map((p) => resolve(p));
    expect(createEvent).toEqual([
      expect.objectContaining({ name: "idempotency-key", in: "header", required: false }),
      expect.objectContaining({ name: "x-d1-bookmark", in: "header", required: false }),
    ]);
    for (const { path, method, operation } of operations()) {
      expect(operation.parameters, `${method} ${path}`).toContainEqual({
        $ref: "#/components/parameters/D1Bookmark",
      });
    }
  });

  it("gives each operation the errors it can answer, as shared responses", () => {
    // 400 everywhere: any request may send a malformed x-d1-bookmark. 404 only where
    // something named can be missing: a path id, or the profile or event a create names.
    const namesInBody = ["createEvent", "createAttendee"];
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(operation.responses).filter((s) => s >= "400");
      const takesBody = ["post", "put", "patch"].includes(method);
      const expected = [
        "400",
        "401",
        "403",
        ...(path.includes("{") || namesInBody.includes(String(operation.operationId))
          ? ["404"]
          : []),
        ...(statuses.includes("409") ? ["409"] : []),
        ...(takesBody ? ["413"] : []),
        ...(statuses.includes("422") ? ["422"] : []),
        "429",
        "500",
        // Every operation reads the database, which may not answer.
        "503",
      ];
      expect(statuses, where).toEqual(expected);
      for (const status of statuses) {
        expect(operation.responses[status].$ref, `${where} ${status}`).toMatch(
          /^#\/components\/responses\/\w+$/,
        );
      }
    }
    const unprocessable = operations()
      .filter(({ operation }) => "422" in operation.responses)
      .map(({ operation }) => operation.operationId);
    expect(unprocessable).toEqual([
      "createAttendee",
      "updateAttendee",
      "createIntegration",
      "createWebhook",
      "updateWebhook",
      "previewWebhook",
      "setEventOverride",
    ]);
    const rateLimited = resolve(doc.components.responses.RateLimited);
    expect(Object.keys(rateLimited.headers as Json)).toContain("retry-after");
    const unavailable = resolve(doc.components.responses.Unavailable);
    expect(Object.keys(unavailable.headers as Json)).toContain("retry-after");
  });

  it("shows a success example on every operation, with the headers of every answer", () => {
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      const successes = Object.entries(operation.responses).filter(([s]) => s.startsWith("2"));
      expect(successes, where).toHaveLength(1);
      const [[status, response]] = successes;
      expect(Object.keys(response.headers as Json), where).toEqual([
        "x-request-id",
        "cache-control",
        "x-d1-bookmark",
      ]);
      if (status === "204") {
        expect(response.content, where).toBeUndefined();
        continue;
      }
      const media = (response.content as Record<string, Json>)["application/json"];
      expect(media.example ?? media.examples, where).toBeDefined();
    }
  });

  it("has no `default` in request bodies, so generated clients may leave those properties out", () => {
    const seen = new Set<unknown>();
    const defaultsIn = (node: unknown, at: string): string[] => {
      if (!node || typeof node !== "object" || seen.has(node)) return [];
      seen.add(node);
      const here = resolve(node);
      return Object.entries(here).flatMap(([key, value]) =>
        key === "default" ? [at] : defaultsIn(value, `${at}.${key}`),
      );
    };
    const found = operations().flatMap(({ path, method, operation }) =>
      defaultsIn(operation.requestBody, `${method} ${path}`),
    );
    expect(found).toEqual([]);
  });

  it("declares an attendee read as an Attendee or a MappedAttendee of any keys", () => {
    const read = resolve(doc.components.schemas.AttendeeRead);
    expect(read.anyOf).toEqual([
      { $ref: "#/components/schemas/Attendee" },
      { $ref: "#/components/schemas/MappedAttendee" },
    ]);
    expect(doc.components.schemas.MappedAttendee).toMatchObject({
      type: "object",
      additionalProperties: {},
      example: { contact_email: "jane@example.com", source: "weft" },
    });
    for (const path of ["/v1/attendees", "/v1/attendees/{uid}"]) {
      expect(JSON.stringify(doc.paths[path].get.responses["200"])).toContain(
        "#/components/schemas/AttendeeRead",
      );
    }
  });

  it("has a webhook per trigger with its payload, the signing and x-weft headers", () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...TRIGGERS].sort());
    for (const trigger of TRIGGERS) {
      const webhook = doc.webhooks[trigger].post;
      const headers = (webhook.parameters ?? []).map((p) => resolve(p).name);
      expect(headers, trigger).toEqual(
        expect.arrayContaining([
          "webhook-id",
          "webhook-timestamp",
          "webhook-signature",
          "x-weft-trigger",
          "x-weft-event-uid",
          "x-weft-entity-uid",
          "x-weft-attempt",
          "user-agent",
        ]),
      );
      expect(headers.includes("x-weft-cause"), trigger).toBe(trigger === "guest.update");
      const schema = webhook.requestBody?.content?.["application/json"].schema;
      expect(schema, trigger).toEqual({
        $ref: trigger.startsWith("event.")
          ? "#/components/schemas/Event"
          : "#/components/schemas/AttendeeRead",
      });
      expect(Object.keys(webhook.responses), trigger).toEqual(["200", "410", "429"]);
    }
    const receiving = doc.tags.find((tag) => tag.name === "Receiving webhooks");
    expect(receiving?.description).toContain(
      "HMAC-SHA256 with the base64-decoded part of your secret after `whsec_`",
    );
  });
});
