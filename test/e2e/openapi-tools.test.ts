import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintOpenApi } from "../../scripts/lint-openapi.mjs";
import { type RunningWeft, startWeft } from "./weft-server";

// What other tools make of the document `npm start` serves: linters and the client generator.

describe("the served /openapi.json, through the tools", () => {
  let weft: RunningWeft;
  let text: string;
  let dir: string;
  beforeAll(async () => {
    weft = await startWeft();
    text = await (await fetch(`${weft.baseUrl}/openapi.json`)).text();
    dir = mkdtempSync(join(tmpdir(), "weft-openapi-"));
  });
  afterAll(async () => {
    await weft?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes Spectral (spectral:oas) and Redocly (recommended) with no error and no warning", async () => {
    const file = join(dir, "openapi.json");
    writeFileSync(file, text);
    const { spectral, redocly } = await lintOpenApi(file);
    expect(spectral).toEqual({ errors: 0, warnings: 0, problems: [] });
    expect(redocly).toEqual({ errors: 0, warnings: 0, problems: [] });
  }, 120_000);

  it("is the document the typed client was generated from, types included", async () => {
    const served = JSON.parse(text);
    expect(served).toEqual(JSON.parse(readFileSync("clients/typescript/openapi.json", "utf8")));
    // openapi-typescript with its default options, as `npm run client:generate` runs it.
    const types = astToString(await openapiTS(served));
    expect(readFileSync("clients/typescript/src/schema.d.ts", "utf8")).toContain(types);
  });
});
