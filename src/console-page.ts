import type { Context } from "hono";
import type { AppEnv } from "./env";

/**
 * The console may load and call only its own origin: its script and styles are this Worker's
 * static assets (public/console/, built from console/ by scripts/build-console.mjs), and it talks
 * to /v1 on this origin. No inline script or style, no data: URLs.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'none'",
  "connect-src 'self'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * GET /console and every path under it that is not a file: the app's page, so a deep link or a
 * reload of any screen opens the app on it. (wrangler.toml's `run_worker_first` sends these here
 * before the static assets, so the page always carries its CSP.)
 */
export async function consolePage(c: Context<AppEnv>) {
  const page = await c.env.ASSETS.fetch(new URL("/console/", c.req.url));
  if (!page.ok) {
    return c.text("The console is not built: `node scripts/build-assets.mjs` builds it.", 503);
  }
  return new Response(page.body, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CONSOLE_CSP,
      // The page names hashed files: always ask whether it changed.
      "cache-control": "no-cache",
    },
  });
}

/**
 * GET /console/assets/* and the favicon: in production and under `wrangler dev` the static
 * assets answer before the Worker runs; this serves them where nothing does (the Workers test pool).
 */
export async function consoleAsset(c: Context<AppEnv>) {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // A copy: the binding's answer has immutable headers, and the middleware adds some.
  return new Response(asset.body, asset);
}
