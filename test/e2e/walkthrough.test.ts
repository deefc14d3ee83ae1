import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_BOOTSTRAP_TOKEN, type RunningWeft, startWeft } from "./weft-server";

/** The shell block between the walkthrough markers of README.md. */
function readmeWalkthrough(): string {
  const readme = readFileSync("README.md", "utf8");
  const block = readme.match(
    /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/,
  );
  if (!block) throw new Error("README.md has no walkthrough block");
  return block[1];
}

describe("the README walk-through, over HTTP against `npm start`", () => {
  let weft: RunningWeft;
  beforeAll(async () => {
    weft = await startWeft();
  });
  afterAll(async () => {
    await weft?.stop();
  });

  it("goes from the first account to a listed attendee", () => {
    const stdout = execFileSync("bash", ["-euo", "pipefail", "-c", readmeWalkthrough()], {
      env: { ...process.env, WEFT: weft.baseUrl, BOOTSTRAP_TOKEN: E2E_BOOTSTRAP_TOKEN },
      encoding: "utf8",
    });
    const [attendeeUid, ...listLines] = stdout.trim().split("\n");
    expect(attendeeUid).toMatch(/^gst_/);
    const list = JSON.parse(listLines.join("\n"));
    expect(list.meta).toEqual({ page: 1, page_size: 50, total: 1, last_page: 1 });
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      uid: attendeeUid,
      event_name: "Annual Summit",
      registration_status: "Complete",
      email: "jane@example.com",
      firstname: "Jane",
      lastname: "Doe",
    });
  });

  it("serves the docs and answers unknown routes in the error shape", async () => {
    const docs = await fetch(`${weft.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/openapi.json");
    const missing = await fetch(`${weft.baseUrl}/nowhere`);
    const body = await missing.json();
    expect(missing.status).toBe(404);
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.request_id).toBe(missing.headers.get("x-request-id"));
  });
});
