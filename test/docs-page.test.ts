import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const send = (path: string) => exports.default.fetch(`http://weft.test${path}`);

describe("GET /docs", () => {
  it("is Swagger UI on /openapi.json, locked to this origin by its CSP", async () => {
    const page = await send("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "font-src 'none'; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'none'",
    );
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui" data-url="/openapi.json"></div>');
    // No inline script or style (the CSP would block them), nothing from another origin.
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=/);
    expect(html).not.toMatch(/(src|href)="(?!\/)/);
  });

  it("serves every asset the page names, from the Worker's static assets", async () => {
    const html = await (await send("/docs")).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/docs-assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual([
      "/docs-assets/swagger/favicon-32x32.png",
      "/docs-assets/swagger/index.css",
      "/docs-assets/swagger/swagger-ui.css",
      "/docs-assets/swagger/swagger-ui-bundle.js",
      "/docs-assets/docs.js",
    ]);
    for (const path of assets) {
      const asset = await send(path);
      const body = await asset.arrayBuffer();
      expect(`${path} ${asset.status}`).toBe(`${path} 200`);
      expect(body.byteLength, path).toBeGreaterThan(100);
    }
    const bundle = await (await send("/docs-assets/swagger/swagger-ui-bundle.js")).text();
    expect(bundle).toContain("SwaggerUIBundle");
    const init = await (await send("/docs-assets/docs.js")).text();
    expect(init).toContain("validatorUrl: null");
    expect(init).toContain('"idempotency-key": uuid()');
  });
});
