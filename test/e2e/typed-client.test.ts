import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { walkthrough } from "../../clients/typescript/examples/walkthrough";
import type { ReceivedRequest } from "../receiver/server";
import { contractOf, type Exchange, type Recorded, recordingFetch } from "./contract";
import { eventually } from "./eventually";
import { E2E_BOOTSTRAP_TOKEN, type RunningWeft, startWeft } from "./weft-server";

/**
 * The JSON bodies (`-d '...'`) of the README walk-throughs' curl commands, as bash expands them
 * with these variables.
 */
function readmeBodies(variables: Record<string, string>): unknown[] {
  const readme = readFileSync("README.md", "utf8");
  const blocks = ["walkthrough", "walkthrough-integration"].map((name) => {
    const block = readme.match(
      new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`),
    );
    if (!block) throw new Error(`README.md has no ${name} block`);
    return block[1];
  });
  const args = [...blocks.join("\n").matchAll(/ -d ((?:'[^']*'|"[^"]*")+)/g)].map((m) => m[1]);
  const expanded = execFileSync("bash", ["-c", `printf '%s\\0' ${args.join(" ")}`], {
    env: { ...process.env, ...variables },
    encoding: "utf8",
  });
  return expanded
    .split("\0")
    .slice(0, -1)
    .map((body) => JSON.parse(body));
}

describe("the typed client (clients/typescript) against `npm start`", () => {
  let weft: RunningWeft;
  let check: ReturnType<typeof contractOf>;
  beforeAll(async () => {
    weft = await startWeft();
    const doc = await (await fetch(`${weft.baseUrl}/openapi.json`)).json();
    check = contractOf(doc as Parameters<typeof contractOf>[0]);
  });
  afterAll(async () => {
    await weft?.stop();
  });

  it("runs the README walk-throughs with exactly their bodies, every answer as documented", async () => {
    const log: Recorded[] = [];
    const channel = `typed-${crypto.randomUUID()}`;
    const receiver = `${inject("receiverUrl")}/hooks/${channel}`;
    const result = await walkthrough({
      baseUrl: weft.baseUrl,
      bootstrapToken: E2E_BOOTSTRAP_TOKEN,
      receiver,
      fetch: recordingFetch(log),
    });

    // The same bodies as the README's curl commands, in the same order.
    const sent = log.filter((e) => e.requestBody !== "").map((e) => JSON.parse(e.requestBody));
    expect(sent).toEqual(
      readmeBodies({
        PROFILE: result.profile.uid,
        EVENT: result.event.uid,
        INTEGRATION: result.integration.id,
        RECEIVER: receiver,
      }),
    );
    expect(sent).toHaveLength(8);

    // Every answer is declared for its operation and status, and matches that schema.
    expect(log.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual([
      "POST /v1/accounts 201",
      "POST /v1/profiles 201",
      "POST /v1/events 201",
      "POST /v1/attendees 201",
      "GET /v1/attendees 200",
      "POST /v1/integrations 201",
      `POST /v1/integrations/${result.integration.id}/keys 201`,
      "GET /v1/attendees 200",
      `POST /v1/integrations/${result.integration.id}/webhooks 201`,
      `PUT /v1/profiles/${result.profile.uid}/integration 200`,
      "POST /v1/attendees 201",
      `GET /v1/integrations/${result.integration.id}/deliveries 200`,
    ]);
    expect(log.flatMap(check)).toEqual([]);
    expect(log.every((e) => e.status < 300 && e.url.startsWith(weft.baseUrl))).toBe(true);

    // Each client (one per key) sends back the newest D1 bookmark it was answered with.
    expect(log.every((e) => e.receivedBookmark)).toBe(true);
    for (const key of new Set(log.map((e) => e.authorization))) {
      const calls = log.filter((e) => e.authorization === key);
      expect(calls.map((e) => e.sentBookmark)).toEqual([
        null,
        ...calls.slice(0, -1).map((e) => e.receivedBookmark),
      ]);
    }

    // What the walk-through shows.
    expect(result.attendeesMeta).toEqual({ page: 1, page_size: 50, total: 1, last_page: 1 });
    expect(result.attendees).toEqual([
      expect.objectContaining({
        uid: result.jane.uid,
        email: "jane@example.com",
        firstname: "Jane",
        lastname: "Doe",
      }),
    ]);
    expect(result.mapped).toEqual([{ contact_email: "jane@example.com", source: "weft" }]);
    expect(result.activation).toEqual({
      profile_uid: result.profile.uid,
      integration_id: result.integration.id,
      replaced_integration_id: null,
    });
    expect(result.sam).toMatchObject({ email: "sam@example.com", firstname: "Sam" });

    const [request] = await eventually(async () => {
      const response = await fetch(`${inject("receiverUrl")}/_received/${channel}`);
      const got = (await response.json()) as ReceivedRequest[];
      return got.length > 0 ? got : undefined;
    });
    expect(JSON.parse(request.body)).toEqual({ contact_email: "sam@example.com", source: "weft" });
    expect(request.headers["x-weft-entity-uid"]).toBe(result.sam.uid);
    expect(() =>
      new Webhook(result.webhook.secret).verify(request.body, request.headers),
    ).not.toThrow();
  });

  it("answers every error it can be made to give in the documented shape", async () => {
    const operator = { authorization: `Bearer ${E2E_BOOTSTRAP_TOKEN}` };
    const json = { "content-type": "application/json" };
    const log: Exchange[] = [];
    const send = async (method: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${weft.baseUrl}${path}`, { method, ...init });
      const exchange = {
        method,
        url: response.url,
        status: response.status,
        body: await response.text(),
      };
      log.push(exchange);
      return exchange;
    };
    const created = await send("POST", "/v1/accounts", {
      headers: { ...operator, ...json },
      body: JSON.stringify({ name: "Errors" }),
    });
    const admin = { authorization: `Bearer ${JSON.parse(created.body).data.admin_key.key}` };
    const profile = JSON.parse(
      (await send("POST", "/v1/profiles", { headers: { ...admin, ...json }, body: '{"name":"P"}' }))
        .body,
    ).data.uid;
    const event = JSON.parse(
      (
        await send("POST", "/v1/events", {
          headers: { ...admin, ...json },
          body: JSON.stringify({
            profile_uid: profile,
            name: "E",
            start_date: "2026-06-12T07:00:00Z",
            end_date: "2026-06-13T16:00:00Z",
          }),
        })
      ).body,
    ).data.uid;

    const errors = [
      await send("POST", "/v1/profiles", { headers: { ...admin, ...json }, body: "{}" }),
      await send("POST", "/v1/profiles", { headers: { ...admin, ...json }, body: "{" }),
      await send("GET", "/v1/account"),
      await send("GET", "/v1/account", { headers: operator }),
      await send("GET", "/v1/profiles/prf_missing", { headers: admin }),
      await send("DELETE", `/v1/profiles/${profile}`, { headers: admin }),
      await send("POST", "/v1/profiles", {
        headers: { ...admin, ...json },
        body: JSON.stringify({ name: "x".repeat(300_000) }),
      }),
      await send("POST", "/v1/attendees", {
        headers: { ...admin, ...json },
        body: JSON.stringify({ event_uid: event, fields: { shoe_size: 44 } }),
      }),
    ];
    expect(errors.map((e) => `${e.status} ${JSON.parse(e.body).error.code}`)).toEqual([
      "400 VALIDATION_FAILED",
      "400 BAD_REQUEST",
      "401 UNAUTHORIZED",
      "403 FORBIDDEN",
      "404 NOT_FOUND",
      "409 CONFLICT",
      "413 PAYLOAD_TOO_LARGE",
      "422 UNPROCESSABLE",
    ]);
    expect(log.flatMap(check)).toEqual([]);
  });
});
