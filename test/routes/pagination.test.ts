import { describe, expect, it } from "vitest";
import { createAccount, createIntegrationKey, createWorld } from "../factories";
import { api, request } from "../helpers/api";

/** Every list is paged the same way (API.md §1, §8): `page`, `page_size`, `meta`. */

type Document = {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, Json> }>
  >;
  components: { schemas: Record<string, Json> };
};
// biome-ignore lint/suspicious/noExplicitAny: walking an OpenAPI document's JSON
type Json = any;

/** The JSON schema of a response, its $refs followed. */
function schemaOf(document: Document, response: Json): Json {
  const resolve = (schema: Json): Json =>
    schema?.$ref ? resolve(document.components.schemas[schema.$ref.split("/").pop()]) : schema;
  return resolve(response?.content?.["application/json"]?.schema);
}

/** Answers whose `data` is an array but which are one resource, not a list. */
const NOT_LISTS: Record<string, string> = {
  "/v1/events/{uid}/fields": "the event's registration form: one resource, at most 200 fields",
};

describe("lists", () => {
  it("every operation that answers a list takes page and page_size and answers meta", async () => {
    const document = (await request("GET", "/openapi.json")).body as Document;
    const lists: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      const get = operations.get;
      if (!get) continue;
      const schema = schemaOf(document, get.responses["200"]);
      const data = schema?.properties?.data;
      const isList = data?.type === "array" || data?.items !== undefined;
      if (!isList || path in NOT_LISTS) continue;
      lists.push(path);
      const query = (get.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
      expect(query, path).toEqual(expect.arrayContaining(["page", "page_size"]));
      expect(schema.properties.meta, path).toBeDefined();
    }
    // The ones this issue paged, among all the others.
    expect(lists).toEqual(
      expect.arrayContaining([
        "/v1/account/admin-keys",
        "/v1/integrations/{id}/keys",
        "/v1/events/{uid}/actions",
        "/v1/attendees/{uid}/actions",
      ]),
    );
  });

  it("pages admin keys, integration keys and manual actions like every list", async () => {
    const world = await createWorld({
      integration: {},
      webhooks: [
        { trigger: "event.manual", name: "One" },
        { trigger: "event.manual", name: "Two" },
        { trigger: "event.manual", name: "Three" },
      ],
    });
    const { key } = world;
    const integrationId = (world.integration as { id: string }).id;
    await api("POST", "/v1/account/admin-keys", { key });
    await api("POST", "/v1/account/admin-keys", { key });
    for (let i = 0; i < 3; i++) await createIntegrationKey(key, integrationId);

    const adminKeys = await api("GET", "/v1/account/admin-keys?page=2&page_size=2", { key });
    expect(adminKeys.body.meta).toEqual({ page: 2, page_size: 2, total: 3, last_page: 2 });
    expect(adminKeys.body.data).toHaveLength(1);

    const integrationKeys = await api(
      "GET",
      `/v1/integrations/${integrationId}/keys?page=1&page_size=2`,
      { key },
    );
    expect(integrationKeys.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    expect(integrationKeys.body.data).toHaveLength(2);

    const first = await api("GET", `/v1/events/${world.event.uid}/actions?page_size=2`, { key });
    const second = await api("GET", `/v1/events/${world.event.uid}/actions?page=2&page_size=2`, {
      key,
    });
    expect(first.body.meta).toEqual({ page: 1, page_size: 2, total: 3, last_page: 2 });
    expect([...first.body.data, ...second.body.data].map((action) => action.name)).toEqual([
      "One",
      "Two",
      "Three",
    ]);
  });

  it("refuses a page_size over 200 on the lists that were not paged before", async () => {
    const { key } = await createAccount();
    const response = await request("GET", "/v1/account/admin-keys?page_size=201", { key });
    expect(response.status).toBe(400);
    expect(
      (response.body as { error: { details: { path: string }[] } }).error.details[0].path,
    ).toBe("page_size");
  });
});
