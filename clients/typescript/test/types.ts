// Type-level tests, checked by `npm run typecheck` (tsc -p clients/typescript): the types that
// openapi-typescript generates with its default options accept what a client leaves out (every
// property with a default is optional), and they are real types, not `any`.
import type { WeftClient } from "../src/index";
import type { components, paths } from "../src/schema";

type JsonBody<Operation> = Operation extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;
type Post<P extends keyof paths> = JsonBody<paths[P]["post"]>;

// Only the required properties: the rest have defaults the server applies.
export const integration: Post<"/v1/integrations"> = { name: "CRM sync" };
export const webhook: Post<"/v1/integrations/{id}/webhooks"> = {
  name: "Push to CRM",
  trigger: "guest.create",
  url: "https://crm.example.com/hooks/weft",
};
export const override: JsonBody<paths["/v1/events/{uid}/integration"]["put"]> = {};
export const fixedField: components["schemas"]["FixedField"] = {
  name: "cpy_vat_number",
  label: "VAT",
  type: "text",
};
export const mappingValues: components["schemas"]["MappingEntry"][] = [
  { name: "source", value: "weft" },
  { name: "tags", value: ["vip", "press"] },
  { name: "meta", value: { tier: 1 } },
];

// @ts-expect-error not a template of the catalogue
export const unknownTemplate: Post<"/v1/integrations"> = { template: "myspace" };
export const wrongTrigger: Post<"/v1/integrations/{id}/webhooks"> = {
  name: "Push to CRM",
  // @ts-expect-error not a trigger
  trigger: "guest.created",
  url: "https://crm.example.com/hooks/weft",
};

export async function reads(client: WeftClient) {
  // @ts-expect-error not a path of the document
  await client.GET("/v1/attendee");

  const created = await client.POST("/v1/attendees", {
    body: { event_uid: "evt_5n2c8x1m4q7w9z3b0k6j", fields: { email: "jane@example.com" } },
  });
  // A create answers the whole attendee.
  const uid: string | undefined = created.data?.data.uid;

  // A read may be shaped by the reader's field mapping: its keys are not known in advance.
  const read = await client.GET("/v1/attendees/{uid}", { params: { path: { uid: uid ?? "" } } });
  const shaped: Record<string, unknown> | undefined = read.data?.data;
  // @ts-expect-error a mapped read need not have `uid`
  const notSure: string | undefined = read.data?.data.uid;
  return [shaped, notSure];
}
