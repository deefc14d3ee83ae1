// Copies the reference UI that /docs uses (swagger-ui-dist, pinned in package.json) into
// public/docs-assets/swagger/, and builds the console into public/console/ (build-console.mjs),
// which the Worker serves as static assets: no CDN, nothing from another origin. Run by `[build]`
// in wrangler.toml (wrangler dev, deploy, types) and as a vitest globalSetup (the Workers test pool
// does not run `[build]`). Several servers may start at once (the e2e tests): a file that is
// already current is left alone, a new one appears by rename.
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildConsole } from "./build-console.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "public/docs-assets/swagger");
const FILES = [
  "swagger-ui-bundle.js",
  "swagger-ui.css",
  "index.css",
  "favicon-32x32.png",
  "LICENSE",
  "NOTICE",
];

/** Copies what changed; returns the names it wrote. */
export function buildAssets() {
  const source = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  mkdirSync(OUT, { recursive: true });
  const written = [];
  for (const name of FILES) {
    const from = join(source, name);
    const to = join(OUT, name);
    if (isCurrent(from, to)) continue;
    const temporary = `${to}.${process.pid}.tmp`;
    copyFileSync(from, temporary);
    renameSync(temporary, to);
    written.push(name);
  }
  return written;
}

/** Same bytes (npm stamps every file with one old mtime, so times say nothing). */
function isCurrent(from, to) {
  try {
    if (statSync(from).size !== statSync(to).size) return false;
    return readFileSync(from).equals(readFileSync(to));
  } catch {
    return false;
  }
}

/** vitest globalSetup. */
export default async function setup() {
  buildAssets();
  await buildConsole();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = buildAssets();
  if (written.length > 0) console.log(`docs assets: wrote ${written.join(", ")}`);
  if (await buildConsole()) console.log("console: built public/console/");
}
