import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { inject } from "vitest";
import type { ReceivedRequest } from "../receiver/server";
import { launchChromium, type Recorded, recordedContext } from "./chromium";
import { eventually } from "./eventually";
import { E2E_BOOTSTRAP_TOKEN, type RunningWeft, startWeft } from "./weft-server";

// What the console's browser tests share: Weft started as `npm start` starts it, an account,
// Chromium recording everything, and small helpers. `UPDATE_SCREENSHOTS=1` writes the screenshots
// the README shows (docs/screenshots/); otherwise they go to a temporary folder.

const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? new URL("../../docs/screenshots", import.meta.url).pathname
  : mkdtempSync(join(tmpdir(), "weft-console-shots-"));
mkdirSync(SHOTS, { recursive: true });

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Chromium logs every non-2xx fetch as a console error: expected only on the error paths. */
export const isHttpError = (line: string) =>
  /Failed to load resource: the server responded/.test(line);

export type ConsoleWorld = {
  weft: RunningWeft;
  browser: Browser;
  recorded: Recorded;
  page: Page;
  adminKey: string;
  /** A call to the API with the admin key (to build what a test starts from): its `data`. */
  api: <T = Record<string, string>>(method: string, path: string, body?: unknown) => Promise<T>;
  stop: () => Promise<void>;
};

/** Weft, an account named `account`, and a Chromium page at 1280x900 that records everything. */
export async function startConsole(account: string): Promise<ConsoleWorld> {
  const weft = await startWeft();
  const created = await fetch(`${weft.baseUrl}/v1/accounts`, {
    method: "POST",
    headers: { authorization: `Bearer ${E2E_BOOTSTRAP_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: account }),
  });
  const adminKey = ((await created.json()) as { data: { admin_key: { key: string } } }).data
    .admin_key.key;
  const browser = await launchChromium();
  const recorded = await recordedContext(browser, { viewport: { width: 1280, height: 900 } });
  await recorded.context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin: weft.baseUrl,
  });
  const page = recorded.watch(await recorded.context.newPage());
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${weft.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { data: T }).data;
  };
  const stop = async () => {
    await browser.close();
    await weft.stop();
  };
  return { weft, browser, recorded, page, adminKey, api, stop };
}

/** What the test receiver's channel got, once it has at least `count` requests. */
export async function received(channel: string, count = 1) {
  const receiver = inject("receiverUrl");
  return eventually(async () => {
    const got = (await (
      await fetch(`${receiver}/_received/${channel}`)
    ).json()) as ReceivedRequest[];
    return got.length >= count ? got : undefined;
  });
}

/** Every control the user can reach has a name a screen reader says (a label, or its text). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll("input, select, textarea, button, a[href]")]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => {
      const named = (el.labels && el.labels.length > 0) || el.getAttribute("aria-label") ||
        el.getAttribute("aria-labelledby") || el.textContent.trim() || el.getAttribute("title");
      return !named;
    })
    .map((el) => el.outerHTML.slice(0, 120))`);
}

export async function signIn(page: Page, baseUrl: string, key: string, path = "/console") {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel("Admin key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

export const form = (page: Page, name: string) => page.getByRole("form", { name });

/**
 * The error shown under a field, once the field is marked invalid: the last element its
 * aria-describedby names (the hint comes first).
 */
export async function errorOf(field: Locator): Promise<string | null> {
  await eventually(async () =>
    (await field.getAttribute("aria-invalid")) === "true" ? true : undefined,
  );
  const id = (await field.getAttribute("aria-describedby"))?.split(" ").pop() ?? "";
  return field.page().locator(`[id="${id}"]`).textContent();
}
