// Builds the organiser console (console/: Preact, built by Vite) into public/console/, which the
// Worker serves as static assets under /console/. Run by scripts/build-assets.mjs, so by wrangler's
// `[build]` (dev, deploy, types) and the vitest globalSetup. Skips the build when nothing it reads
// changed. Several servers may start at once (the e2e tests): it builds aside, then moves the files
// in one by one (hashed names first, index.html last), each by rename.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = join(ROOT, "console");
const OUT = join(ROOT, "public/console");
const CACHE = join(ROOT, "node_modules/.cache");
const STAMP = join(CACHE, "weft-console.hash");
/** What the build reads: the console, the typed client it uses, the exact versions installed. */
const INPUTS = [SOURCE, join(ROOT, "clients/typescript/src"), join(ROOT, "package-lock.json")];
INPUTS.push(fileURLToPath(import.meta.url));

function filesUnder(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    filesUnder(join(path, entry.name)),
  );
}

function sourceHash() {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** The Vite configuration (kept here, in one place, rather than in a config file to load). */
export function consoleViteConfig(outDir) {
  return {
    configFile: false,
    root: SOURCE,
    base: "/console/",
    logLevel: "warn",
    // The same build wherever it runs: vitest sets NODE_ENV=test, which would make a dev build.
    mode: "production",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    oxc: { jsx: { runtime: "automatic", importSource: "preact", development: false } },
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2022",
      // No data: URLs: the page's CSP allows images from its own origin only.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
    },
  };
}

/** Builds when the sources changed (or the output is missing); returns whether it built. */
export async function buildConsole({ force = false } = {}) {
  const hash = sourceHash();
  const current =
    existsSync(join(OUT, "index.html")) &&
    existsSync(STAMP) &&
    readFileSync(STAMP, "utf8") === hash;
  if (current && !force) return false;

  const { build } = await import("vite");
  const aside = join(CACHE, `weft-console-build-${process.pid}`);
  await build(consoleViteConfig(aside));
  const built = filesUnder(aside).map((file) => relative(aside, file));
  // Hashed assets first, the page that names them last: a reader never gets a page whose files
  // are not there yet.
  built.sort((a, b) => Number(a === "index.html") - Number(b === "index.html"));
  for (const name of built) {
    mkdirSync(dirname(join(OUT, name)), { recursive: true });
    renameSync(join(aside, name), join(OUT, name));
  }
  const keep = new Set(built);
  for (const file of filesUnder(OUT)) {
    if (!keep.has(relative(OUT, file))) rmSync(file, { force: true });
  }
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(STAMP, hash);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildConsole({ force: process.argv.includes("--force") });
  console.log(built ? "console: built public/console/" : "console: up to date");
}
