import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningWeft, startWeft } from "./weft-server";

// Every route of API.md §2-§6, as "METHOD /path".
const CONTRACT_ROUTES = [
  "POST /v1/accounts",
  "GET /v1/account",
  "POST /v1/account/admin-keys",
  "DELETE /v1/account/admin-keys/{key_id}",
  "GET /v1/account/field-mapping",
  "PUT /v1/account/field-mapping",
  "POST /v1/profiles",
  "GET /v1/profiles",
  "GET /v1/profiles/{uid}",
  "PATCH /v1/profiles/{uid}",
  "DELETE /v1/profiles/{uid}",
  "GET /v1/profiles/{uid}/field-mapping",
  "PUT /v1/profiles/{uid}/field-mapping",
  "POST /v1/events",
  "GET /v1/events",
  "GET /v1/events/{uid}",
  "PATCH /v1/events/{uid}",
  "DELETE /v1/events/{uid}",
  "GET /v1/events/{uid}/fields",
  "POST /v1/attendees",
  "GET /v1/attendees",
  "GET /v1/attendees/{uid}",
  "PATCH /v1/attendees/{uid}",
  "DELETE /v1/attendees/{uid}",
  "POST /v1/attendees/{uid}/payments",
  "POST /v1/integrations",
  "GET /v1/integrations",
  "GET /v1/integrations/{id}",
  "PATCH /v1/integrations/{id}",
  "DELETE /v1/integrations/{id}",
  "POST /v1/integrations/{id}/keys",
  "GET /v1/integrations/{id}/keys",
  "POST /v1/integrations/{id}/keys/{key_id}/rotate",
  "DELETE /v1/integrations/{id}/keys/{key_id}",
  "POST /v1/integrations/{id}/webhooks",
  "GET /v1/integrations/{id}/webhooks",
  "GET /v1/integrations/{id}/webhooks/{webhook_id}",
  "PATCH /v1/integrations/{id}/webhooks/{webhook_id}",
  "DELETE /v1/integrations/{id}/webhooks/{webhook_id}",
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/test",
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/secret/rotate",
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/recover",
  "POST /v1/integrations/{id}/webhooks/{webhook_id}/preview",
  "GET /v1/integration-templates",
  "GET /v1/integration-templates/{id}",
  "GET /v1/profiles/{uid}/integration",
  "PUT /v1/profiles/{uid}/integration",
  "DELETE /v1/profiles/{uid}/integration",
  "GET /v1/events/{uid}/integration",
  "PUT /v1/events/{uid}/integration",
  "DELETE /v1/events/{uid}/integration",
  "GET /v1/events/{uid}/actions",
  "POST /v1/events/{uid}/actions/{webhook_id}",
  "GET /v1/attendees/{uid}/actions",
  "POST /v1/attendees/{uid}/actions/{webhook_id}",
  "GET /v1/integrations/{id}/deliveries",
  "GET /v1/deliveries/{id}",
  "POST /v1/deliveries/{id}/redeliver",
];

describe("GET /openapi.json", () => {
  let weft: RunningWeft;
  // biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read as plain JSON
  let doc: any;
  beforeAll(async () => {
    weft = await startWeft();
    doc = await (await fetch(`${weft.baseUrl}/openapi.json`)).json();
  });
  afterAll(async () => {
    await weft?.stop();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("documents every contract route with responses, errors, bearer auth and examples", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented).toEqual(expect.arrayContaining(CONTRACT_ROUTES));
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    for (const route of CONTRACT_ROUTES) {
      const [method, path] = route.split(" ");
      const operation = doc.paths[path][method.toLowerCase()];
      expect(operation.summary, route).toBeTruthy();
      // Which other errors fit which operation: test/openapi/document.test.ts.
      expect(Object.keys(operation.responses), route).toEqual(
        expect.arrayContaining(["401", "403", "429", "500"]),
      );
      const success = Object.entries(operation.responses).find(([status]) =>
        status.startsWith("2"),
      );
      expect(success, `${route} has a success response`).toBeDefined();
    }
    // Examples: every JSON request body and success response shows one (in itself or its schema).
    const resolve = (node: unknown): string =>
      JSON.stringify(node, (_key, value) =>
        value && typeof value === "object" && typeof value.$ref === "string"
          ? doc.components.schemas[value.$ref.split("/").pop()]
          : value,
      );
    for (const route of CONTRACT_ROUTES) {
      const [method, path] = route.split(" ");
      const operation = doc.paths[path][method.toLowerCase()];
      const media = [
        operation.requestBody?.content?.["application/json"],
        ...Object.entries(operation.responses)
          .filter(([status]) => status.startsWith("2"))
          // biome-ignore lint/suspicious/noExplicitAny: plain JSON of the document
          .map(([, response]) => (response as any).content?.["application/json"]),
      ].filter(Boolean);
      for (const content of media) expect(resolve(content), route).toContain('"example"');
    }
  });
});
