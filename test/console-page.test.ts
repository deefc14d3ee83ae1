import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const send = (path: string) => exports.default.fetch(`http://weft.test${path}`);

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'none'; " +
  "connect-src 'self'; manifest-src 'none'; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'";

describe("GET /console", () => {
  it("answers the app's page on every screen's URL, locked to this origin by its CSP", async () => {
    const pages = [
      "/console",
      "/console/",
      "/console/profiles/prf_x",
      "/console/events/evt_x/settings",
    ];
    const bodies = [];
    for (const path of pages) {
      const page = await send(path);
      expect(`${path} ${page.status}`).toBe(`${path} 200`);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("content-security-policy")).toBe(CSP);
      expect(page.headers.get("cache-control")).toBe("no-cache");
      expect(page.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      bodies.push(await page.text());
    }
    expect(new Set(bodies).size).toBe(1);
    const html = bodies[0];
    expect(html).toContain('<div id="app"></div>');
    // No inline script or style (the CSP would block them), nothing from another origin.
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=/);
    expect(html).not.toMatch(/(src|href)="(?!\/)/);
  });

  it("serves every file the page names from the Worker's static assets", async () => {
    const html = await (await send("/console")).text();
    const files = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]);
    expect(files).toEqual([
      "/console/favicon.svg",
      expect.stringMatching(/^\/console\/assets\/index-[\w-]+\.js$/),
      expect.stringMatching(/^\/console\/assets\/index-[\w-]+\.css$/),
    ]);
    for (const path of files) {
      const file = await send(path);
      const body = await file.text();
      expect(`${path} ${file.status}`).toBe(`${path} 200`);
      expect(body.length, path).toBeGreaterThan(100);
    }
    const script = await (await send(files[1])).text();
    // A production build (no JSX debug info) that talks to /v1 on its own origin.
    expect(script.includes("jsxDEV")).toBe(false);
    expect(script.includes("fileName:")).toBe(false);
    expect(script.includes("/v1/attendees")).toBe(true);
  });
});
