// Prints the OpenAPI document the Worker serves at /openapi.json (bundled and run by
// scripts/generate-client.mjs, outside the Workers runtime: building it needs no bindings).
import { createApp } from "../src/app";
import { openApiDocument } from "../src/openapi/document";

process.stdout.write(`${JSON.stringify(openApiDocument(createApp()), null, 2)}\n`);
