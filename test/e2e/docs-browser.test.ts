import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, originsOf, type Recorded, recordedContext } from "./chromium";
import { E2E_BOOTSTRAP_TOKEN, type RunningWeft, startWeft } from "./weft-server";

// /docs in a real Chromium (test/e2e/chromium.ts), as a new user opens it from `npm start` on a
// port other than 8787.

describe("/docs in Chromium", () => {
  let weft: RunningWeft;
  let browser: Browser;
  let page: Page;
  let requests: Recorded["requests"];
  let problems: string[];
  let operationIds: Array<[string, string]>;
  /** The document's `webhooks` entries (each trigger, each operational notification). */
  let webhookCount: number;

  beforeAll(async () => {
    weft = await startWeft();
    const doc = (await (await fetch(`${weft.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags: string[]; operationId: string }>>;
      webhooks: Record<string, unknown>;
    };
    webhookCount = Object.keys(doc.webhooks).length;
    operationIds = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((operation): [string, string] => [
        operation.tags[0],
        operation.operationId,
      ]),
    );
    browser = await launchChromium();
    const recorded = await recordedContext(browser);
    ({ requests, problems } = recorded);
    page = recorded.watch(await recorded.context.newPage());
    await page.goto(`${weft.baseUrl}/docs`);
    await page.locator(".opblock").first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await weft?.stop();
  });

  it("renders every operation and every webhook, from this origin only", async () => {
    expect(weft.baseUrl).not.toMatch(/:8787$/);
    for (const [tag, operationId] of operationIds) {
      // Swagger UI's deep-link ids write a space in a tag as "_".
      const block = page.locator(`[id="operations-${tag.replaceAll(" ", "_")}-${operationId}"]`);
      expect(await block.count(), operationId).toBe(1);
    }
    expect(webhookCount).toBe(11);
    expect(await page.locator(".opblock").count()).toBe(operationIds.length + webhookCount);
    await expect.poll(() => page.locator(".info .title").textContent()).toContain("Weft API");
    expect(originsOf(requests)).toEqual([weft.baseUrl]);
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual(
      expect.arrayContaining([
        "/docs",
        "/docs-assets/swagger/swagger-ui.css",
        "/docs-assets/swagger/swagger-ui-bundle.js",
        "/docs-assets/docs.js",
        "/openapi.json",
      ]),
    );
    expect(problems).toEqual([]);
  });

  it("fills in no optional filter", async () => {
    const operation = page.locator('[id="operations-Attendees-listAttendees"]');
    await operation.locator(".opblock-summary").click();
    await operation.locator(".try-out__btn").click();
    const values = await operation
      .locator("tr[data-param-name]")
      .evaluateAll((rows) =>
        rows.map(
          (row) => `${row.dataset.paramName}=${row.querySelector("input, select")?.value ?? ""}`,
        ),
      );
    expect(values).toEqual([
      "page=1",
      "page_size=50",
      "updated_since=",
      "event_uid=",
      "guest_uid=",
      "registration_status=",
      "q=",
      "sort=",
      "fields=",
      "ignore_fields_mapping=",
      "x-d1-bookmark=",
    ]);
  });

  it("creates an account with try-it-out and the bootstrap token, twice: one fresh idempotency key each", async () => {
    await page.locator(".auth-wrapper .authorize").click();
    await page.locator("#auth-bearer-value").fill(E2E_BOOTSTRAP_TOKEN);
    await page.locator(".auth-btn-wrapper .authorize").click();
    await page.locator(".auth-btn-wrapper .btn-done").click();

    const operation = page.locator('[id="operations-Accounts-createAccount"]');
    await operation.locator(".opblock-summary").click();
    await operation.locator(".try-out__btn").click();
    // Only the body and the token are ours: the body is the document's example.
    expect(JSON.parse(await operation.locator("textarea.body-param__text").inputValue())).toEqual({
      name: "Acme Events",
    });
    const status = operation.locator(".live-responses-table tbody .response-col_status");
    const body = operation.locator(".live-responses-table tbody .response-col_description pre");
    const created: string[] = [];
    for (let run = 0; run < 2; run++) {
      const answered = page.waitForResponse((r) => r.url().endsWith("/v1/accounts"));
      await operation.locator(".execute").click();
      await answered;
      await expect.poll(async () => (await status.first().textContent())?.trim()).toBe("201");
      const shown = JSON.parse((await body.first().textContent()) ?? "");
      expect(shown.data.admin_key.key).toMatch(/^wft_admin_/);
      created.push(shown.data.account.id);
    }
    expect(new Set(created).size).toBe(2);

    const creates = requests.filter((r) => r.method === "POST" && r.url.endsWith("/v1/accounts"));
    expect(creates).toHaveLength(2);
    for (const request of creates) {
      expect(request.url).toBe(`${weft.baseUrl}/v1/accounts`);
      expect(request.headers["idempotency-key"]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(creates[0].headers["idempotency-key"]).not.toBe(creates[1].headers["idempotency-key"]);
    expect(problems).toEqual([]);
  });
});
