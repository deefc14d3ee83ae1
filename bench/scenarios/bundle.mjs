// Scenario 5: the size of what `wrangler deploy` uploads (raw and gzip, as built and minified),
// and start-up, two ways: the CPU time of the Worker's top-level code in the profile that
// `wrangler check startup` records (the closest local figure to Cloudflare's start-up limit), and a
// fresh workerd with only this worker, from `new Miniflare` to ready, then the first response.
// The baseline worker, started the same way, is the floor.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Log, LogLevel, Miniflare } from "miniflare";
import { round } from "../lib/measure.mjs";
import { buildBundle, quietEnv, ROOT } from "../lib/stack.mjs";

const kib = (bytes) => round(bytes / 1024);

function sizes(path) {
  const code = readFileSync(path);
  return { raw_kib: kib(code.length), gzip_kib: kib(gzipSync(code, { level: 9 }).length) };
}

async function startOnce(scriptPath, path) {
  const started = performance.now();
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log: new Log(LogLevel.NONE),
    logRequests: false,
    // Modules listed explicitly: with `scriptPath` alone Miniflare parses the bundle in Node to
    // find its imports, which takes longer than workerd's own start.
    modules: [{ type: "ESModule", path: scriptPath, contents: readFileSync(scriptPath, "utf8") }],
    compatibilityDate: "2026-04-20",
    compatibilityFlags: ["nodejs_compat"],
    bindings: { BOOTSTRAP_TOKEN: "x", SECRETS_KEY: "x" },
    // Every Weft request (even /health) takes its database handle from the binding.
    d1Databases: ["DB"],
  });
  const url = await mf.ready;
  const ready = performance.now();
  const res = await fetch(new URL(path, url));
  await res.arrayBuffer();
  const first = performance.now();
  await mf.dispose();
  return { ready_ms: ready - started, first_response_ms: first - ready, status: res.status };
}

/** The median of `times` fresh starts. */
async function startup(scriptPath, path, times) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await startOnce(scriptPath, path));
  const failed = runs.find((run) => run.status !== 200);
  if (failed) throw new Error(`${path} answered ${failed.status} on a fresh start`);
  return {
    ready_ms: median(runs.map((run) => run.ready_ms)),
    first_response_ms: median(runs.map((run) => run.first_response_ms)),
  };
}

/** CPU time of the start-up phase: the non-idle samples of `wrangler check startup`'s profile. */
function startupProfile() {
  const outfile = join(tmpdir(), `weft-bench-startup-${process.pid}.cpuprofile`);
  execFileSync(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["check", "startup", "--outfile", outfile],
    { cwd: ROOT, env: quietEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  const profile = JSON.parse(readFileSync(outfile, "utf8"));
  rmSync(outfile, { force: true });
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let busy = 0;
  profile.samples.forEach((id, i) => {
    if (nodes.get(id) !== "(idle)") busy += profile.timeDeltas[i + 1] ?? 0;
  });
  return { cpu_ms: busy / 1000, span_ms: (profile.endTime - profile.startTime) / 1000 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)]);
}

export async function measureBundle(ctx) {
  const built = sizes(ctx.bundlePath);
  const minified = sizes(
    buildBundle(join(tmpdir(), `weft-bench-min-${process.pid}`), ["--minify"]),
  );
  const times = ctx.quick ? 3 : 5;
  const profiles = Array.from({ length: 3 }, startupProfile);
  const profile = {
    cpu_ms: median(profiles.map((p) => p.cpu_ms)),
    span_ms: median(profiles.map((p) => p.span_ms)),
  };
  const weft = { ...(await startup(ctx.bundlePath, "/health", times)), profile };
  const baseline = await startup(
    join(ROOT, "bench/baseline-worker.mjs"),
    "/__baseline/text",
    times,
  );
  return {
    name: "Bundle and start-up",
    bundle: { built, minified },
    weft,
    baseline,
    startup_over_baseline_ms: round(
      weft.ready_ms + weft.first_response_ms - baseline.ready_ms - baseline.first_response_ms,
    ),
  };
}
