import type { Context } from "hono";
import type { AppEnv } from "./env";

/**
 * The docs page may load and call only its own origin: Swagger UI and its styles come from this
 * Worker's static assets, the document and try-it-out requests go to this Worker. `data:` images
 * are the icons Swagger UI's stylesheet inlines.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'none'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Weft API reference</title>
<link rel="icon" type="image/png" href="/docs-assets/swagger/favicon-32x32.png">
<link rel="stylesheet" href="/docs-assets/swagger/index.css">
<link rel="stylesheet" href="/docs-assets/swagger/swagger-ui.css">
</head>
<body>
<noscript>The API reference needs JavaScript; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui" data-url="/openapi.json"></div>
<script src="/docs-assets/swagger/swagger-ui-bundle.js"></script>
<script src="/docs-assets/docs.js"></script>
</body>
</html>
`;

/** GET /docs: Swagger UI on the OpenAPI document, everything from this origin. */
export function docsPage(c: Context<AppEnv>) {
  c.header("content-security-policy", DOCS_CSP);
  return c.html(DOCS_HTML);
}

/**
 * GET /docs-assets/*: in production and under `wrangler dev` the static assets answer before the
 * Worker runs; this serves them where nothing does (the Workers test pool).
 */
export async function docsAsset(c: Context<AppEnv>) {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // A copy: the binding's answer has immutable headers, and the middleware adds some.
  return new Response(asset.body, asset);
}
