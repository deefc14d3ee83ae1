import { existsSync } from "node:fs";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";

// Debian's `chromium` (which .ci/run installs), driven by playwright-core, which downloads no
// browser of its own. The flags keep it from calling home: every request it makes is the page's.

export const CHROMIUM = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type Recorded = {
  context: BrowserContext;
  requests: Array<{ method: string; url: string; headers: Record<string, string> }>;
  /** Console errors and warnings, page errors and CSP violations, as lines. */
  problems: string[];
  /** Records the page's console and errors too (requests are recorded for the whole context). */
  watch: (page: Page) => Page;
};

/** A browser context that records every request, and every console error and CSP violation. */
export async function recordedContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<Recorded> {
  const context = await browser.newContext(options);
  const requests: Recorded["requests"] = [];
  const problems: string[] = [];
  context.on("request", (request) =>
    requests.push({ method: request.method(), url: request.url(), headers: request.headers() }),
  );
  await context.exposeFunction("reportCspViolation", (what: string) =>
    problems.push(`CSP: ${what}`),
  );
  // Runs in the page (a string: this file is compiled without the DOM's types).
  await context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (event) =>
      window.reportCspViolation(event.violatedDirective + " " + event.blockedURI));`,
  });
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (["error", "warning"].includes(message.type())) {
        problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    return page;
  };
  return { context, requests, problems, watch };
}

/** The origins the recorded requests went to (data: and blob: URLs have none worth naming). */
export function originsOf(requests: Recorded["requests"]): string[] {
  return [
    ...new Set(
      requests
        .filter((request) => !/^(data|blob):/.test(request.url))
        .map((request) => new URL(request.url).origin),
    ),
  ];
}
