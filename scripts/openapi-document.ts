// Prints the OpenAPI document the Worker serves at /openapi.json (bundled and run by
// scripts/generate-client.mjs, outside the Workers runtime: building it needs no bindings).
import { createApp } from "../src/app";
import { openApiInfo } from "../src/openapi";

const document = createApp().getOpenAPI31Document(openApiInfo);
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
