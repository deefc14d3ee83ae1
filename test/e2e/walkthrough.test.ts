import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { components } from "../../clients/typescript/src/schema";
import type { ReceivedRequest } from "../receiver/server";
import { eventually } from "./eventually";
import { E2E_BOOTSTRAP_TOKEN, type RunningWeft, startWeft } from "./weft-server";

/** The shell block between `<!-- name:start -->` and `<!-- name:end -->` in README.md. */
function readmeBlock(name: string): string {
  const readme = readFileSync("README.md", "utf8");
  const pattern = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  );
  const block = readme.match(pattern);
  if (!block) throw new Error(`README.md has no ${name} block`);
  return block[1];
}

/** Runs README blocks in one bash, printing the named variables as JSON at the end. */
function runReadme(blocks: string[], env: Record<string, string>, variables: string[]) {
  const dump = `printf '%s\\n' "@@VARS" ${variables.map((v) => `"$${v}"`).join(" ")}`;
  const stdout = execFileSync("bash", ["-euo", "pipefail", "-c", [...blocks, dump].join("\n")], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  const [output, vars] = stdout.split("@@VARS\n");
  const values = vars.trim().split("\n");
  return {
    lines: output.trim().split("\n"),
    vars: Object.fromEntries(variables.map((name, i) => [name, values[i]])),
  };
}

/** What the receiver's channel got (`/_received/<channel>`), once it got something. */
function receivedOn(url: string): Promise<ReceivedRequest[]> {
  return eventually(async () => {
    const got = (await (await fetch(url)).json()) as ReceivedRequest[];
    return got.length > 0 ? got : undefined;
  });
}

describe("the README walk-throughs, over HTTP against `npm start`", () => {
  let weft: RunningWeft;
  beforeAll(async () => {
    weft = await startWeft();
  });
  afterAll(async () => {
    await weft?.stop();
  });

  it("goes from the first account to a listed attendee", () => {
    const { lines } = runReadme(
      [readmeBlock("walkthrough")],
      { WEFT: weft.baseUrl, BOOTSTRAP_TOKEN: E2E_BOOTSTRAP_TOKEN },
      [],
    );
    const [attendeeUid, ...listLines] = lines;
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

  it("reads through an integration key and delivers a mapped, signed webhook within 3 s", async () => {
    const channel = `e2e-${crypto.randomUUID()}`;
    const receiver = inject("receiverUrl");
    const { lines, vars } = runReadme(
      [readmeBlock("walkthrough"), readmeBlock("walkthrough-integration")],
      {
        WEFT: weft.baseUrl,
        BOOTSTRAP_TOKEN: E2E_BOOTSTRAP_TOKEN,
        RECEIVER: `${receiver}/hooks/${channel}`,
      },
      ["WEBHOOK_SECRET", "INTEGRATION", "PROFILE", "ADMIN_KEY"],
    );
    // Lines: jane's uid, the admin list (JSON), the mapped list, the activation, sam's uid, deliveries.
    const mappedList = JSON.parse(lines.find((l) => l.startsWith("[{")) ?? "null");
    expect(mappedList).toEqual([{ contact_email: "jane@example.com", source: "weft" }]);
    const activation = JSON.parse(lines.find((l) => l.includes("replaced_integration_id")) ?? "{}");
    expect(activation).toEqual({
      profile_uid: vars.PROFILE,
      integration_id: vars.INTEGRATION,
      replaced_integration_id: null,
    });
    const samUid = lines.filter((l) => l.startsWith("gst_"))[1];
    expect(samUid).toMatch(/^gst_/);

    // The README waits 2 s; a loaded machine may need longer (the 3 s bound is checked on timestamps).
    const received = await receivedOn(`${receiver}/_received/${channel}`);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe("POST");
    expect(JSON.parse(request.body)).toEqual({ contact_email: "sam@example.com", source: "weft" });
    expect(request.headers.authorization).toBe("Bearer crm-token");
    expect(request.headers["x-weft-trigger"]).toBe("guest.create");
    expect(request.headers["x-weft-entity-uid"]).toBe(samUid);
    expect(() =>
      new Webhook(vars.WEBHOOK_SECRET).verify(request.body, request.headers),
    ).not.toThrow();

    const sam = (await (
      await fetch(`${weft.baseUrl}/v1/attendees/${samUid}`, {
        headers: { authorization: `Bearer ${vars.ADMIN_KEY}` },
      })
    ).json()) as { data: components["schemas"]["Attendee"] };
    // From the attendee's creation to its receipt (one clock: both run on this machine).
    expect(request.received_at - Date.parse(sam.data.created_at)).toBeLessThan(3000);
    // The README's last line is the delivery log as it was then; the log settles to delivered.
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({
      id: request.headers["webhook-id"],
      trigger: "guest.create",
    });
    const delivery = await eventually(async () => {
      const log = (await (
        await fetch(`${weft.baseUrl}/v1/deliveries/${request.headers["webhook-id"]}`, {
          headers: { authorization: `Bearer ${vars.ADMIN_KEY}` },
        })
      ).json()) as { data?: components["schemas"]["DeliveryWithAttempts"] };
      return log.data?.status === "delivered" ? log.data : undefined;
    });
    expect(delivery).toMatchObject({ trigger: "guest.create", attempt_count: 1 });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].status_code).toBe(200);
  });

  it("creates Slack from its template, previews it, and a new attendee reaches the channel", async () => {
    const channel = `e2e-${crypto.randomUUID()}`;
    const receiver = inject("receiverUrl");
    const { lines, vars } = runReadme(
      [readmeBlock("walkthrough"), readmeBlock("walkthrough-templates")],
      {
        WEFT: weft.baseUrl,
        BOOTSTRAP_TOKEN: E2E_BOOTSTRAP_TOKEN,
        SLACK_WEBHOOK_URL: `${receiver}/hooks/${channel}/services/T0001/B0002/abcdef`,
      },
      ["SLACK"],
    );
    expect(lines).toContain("slack: webhook_url");
    const preview = lines.find((line) => line.startsWith('{"text"'));
    expect(JSON.parse(preview ?? "null")).toEqual({
      text: "New registration for *Annual Summit*: Jane Doe (jane@example.com)",
    });
    const secret = JSON.parse(vars.SLACK).data.webhooks[0].secret;
    const received = await receivedOn(`${receiver}/_received/${channel}`);
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe(`/hooks/${channel}/services/T0001/B0002/abcdef`);
    expect(JSON.parse(received[0].body)).toEqual({
      text: "New registration for *Annual Summit*: Alex Martin (alex@example.com)",
    });
    expect(() => new Webhook(secret).verify(received[0].body, received[0].headers)).not.toThrow();
  });

  it("serves the docs and answers unknown routes in the error shape", async () => {
    const docs = await fetch(`${weft.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/openapi.json");
    const missing = await fetch(`${weft.baseUrl}/nowhere`);
    const body = (await missing.json()) as components["schemas"]["Error"];
    expect(missing.status).toBe(404);
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.error.request_id).toBe(missing.headers.get("x-request-id"));
  });
});
