// What the benchmarks run on: the deployable bundle, Miniflare driven from Node (no wrangler dev
// proxy), the baseline worker beside it, and the counting receiver in a child process.
import { execFileSync, fork } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const BOOTSTRAP_TOKEN = "bench-bootstrap-token";
const SECRETS_KEY = "bench-secrets-key-0123456789abcdef0123456789abcdef";
const BASELINE_QUEUE = "bench-baseline";
/** The Worker's rate limit (1,000 requests / 10 s per key) would cap one key at 100 req/s. */
const UNLIMITED = 1_000_000_000;

export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_COLOR: "1",
};

/** `wrangler deploy --dry-run`: exactly what would be uploaded. Returns the bundle's path. */
export function buildBundle(outdir = join(ROOT, "dist"), extra = []) {
  execFileSync(
    join(ROOT, "node_modules/.bin/wrangler"),
    ["deploy", "--dry-run", "--outdir", outdir, ...extra],
    { cwd: ROOT, env: quietEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  return join(outdir, "index.js");
}

/** The bindings of wrangler.toml as Miniflare options, with the benchmark's vars. */
function weftWorkerOptions(bundlePath) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const ratelimits = Object.fromEntries(
    Object.entries(workerOptions.ratelimits ?? {}).map(([name, options]) => [
      name,
      { ...options, simple: { ...options.simple, limit: UNLIMITED } },
    ]),
  );
  return {
    ...workerOptions,
    name: "weft",
    modules: true,
    scriptPath: bundlePath,
    modulesRules: undefined,
    // The API runs first (wrangler.toml's `run_worker_first`): as deployed, Cloudflare's asset
    // router sends it to the Worker outside the Worker's CPU; locally Miniflare's router is a worker
    // in the same workerd that every request would pay for (the baselines have none). A route
    // dispatches straight to the Worker, as the router does.
    routes: ["*/v1/*"],
    // .dev.vars (if any) is ignored: the benchmark sets its own.
    bindings: {
      BOOTSTRAP_TOKEN,
      SECRETS_KEY,
      ALLOW_HTTP_TARGETS: "true",
      ALLOW_PRIVATE_TARGETS: "true",
    },
    ratelimits,
  };
}

function baselineWorkerOptions(receiverUrl, d1Id, compatibilityDate, batchSize = 25) {
  return {
    name: "baseline",
    modules: true,
    scriptPath: join(ROOT, "bench/baseline-worker.mjs"),
    compatibilityDate,
    routes: ["*/__baseline/*"],
    d1Databases: { DB: d1Id },
    queueProducers: { BASELINE_QUEUE: { queueName: BASELINE_QUEUE } },
    // The same batching as Weft's consumer (wrangler.toml).
    queueConsumers: { [BASELINE_QUEUE]: { maxBatchSize: batchSize, maxBatchTimeout: 1 } },
    bindings: { RECEIVER_URL: `${receiverUrl}/baseline` },
  };
}

/**
 * Writes an entry module next to `targetPath` that hands the worker there (and each of its Durable
 * Object classes) an `env` whose D1 bindings wait a round-trip time (bench/lib/d1-rtt.mjs).
 * Returns its path. Only the benchmark's configuration changes; the Worker's code does not.
 */
function writeRttEntry(dir, targetPath, classNames = []) {
  const entryPath = join(dir, `rtt-entry-${targetPath.split("/").pop()}`);
  const from = (path) => {
    const rel = relative(dirname(entryPath), path);
    return rel.startsWith(".") ? rel : `./${rel}`;
  };
  const lines = [
    "// Written by bench/lib/stack.mjs for the latency scenario: the worker with D1 far away.",
    `import * as target from "${from(targetPath)}";`,
    `import { control, measured, wrapEnv } from "${from(join(ROOT, "bench/lib/d1-rtt.mjs"))}";`,
    "const worker = target.default;",
    "const handlers = {",
    "  async fetch(request, env, ctx) {",
    "    return (",
    "      (await control(request)) ?? measured(() => worker.fetch(request, wrapEnv(env), ctx))",
    "    );",
    "  },",
    "};",
    "if (worker.queue) handlers.queue = (batch, env, ctx) => worker.queue(batch, wrapEnv(env), ctx);",
    "if (worker.scheduled) handlers.scheduled = (c, env, ctx) => worker.scheduled(c, wrapEnv(env), ctx);",
    "export default handlers;",
    ...classNames.map(
      (name) =>
        `export class ${name} extends target.${name} {\n  constructor(ctx, env) {\n    super(ctx, wrapEnv(env));\n  }\n}`,
    ),
  ];
  writeFileSync(entryPath, `${lines.join("\n")}\n`);
  return entryPath;
}

/** Sets the round-trip time of both workers' D1 bindings (a stack started with `rtt: true`). */
export async function setRtt(url, settings) {
  const answers = [];
  for (const path of ["/__bench/d1", "/__baseline/__bench/d1"]) {
    const res = await fetch(url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(settings),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    answers.push(await res.json());
  }
  return { weft: answers[0], baseline: answers[1] };
}

/**
 * Lines the workers print (Weft's structured logs, the consumer's errors), kept for the report:
 * their count and the first 20, read from the files `drain` writes.
 */
export const runtimeLog = {
  files: [],
  get lines() {
    return this.read().lines;
  },
  get count() {
    return this.read().count;
  },
  read() {
    const lines = [];
    let count = 0;
    for (const file of this.files) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (!line.trim()) continue;
        count++;
        if (lines.length < 20) lines.push(line.slice(0, 300));
      }
    }
    return { lines, count };
  },
  toJSON() {
    return this.read();
  },
};

/**
 * workerd's stdout or stderr, written to a file as it comes (the report reads the first lines).
 * A known hazard (seen twice on 2026-11-29): Miniflare's proxies (`getD1Database(...).prepare`) call
 * workerd synchronously, blocking this process's event loop; if workerd is slow to answer and fills
 * this socket meanwhile (Weft logs a line per request and per delivery), it blocks writing and both
 * wait for ever. Draining from a process of its own would need the socket's descriptor, which
 * Miniflare does not hand out (these are its pass-through streams).
 */
function drain(stream, name) {
  const file = join(tmpdir(), `weft-bench-${process.pid}-${runtimeLog.files.length}-${name}.log`);
  runtimeLog.files.push(file);
  writeFileSync(file, "");
  stream.on("data", (chunk) => appendFileSync(file, chunk));
}

/**
 * One workerd process with the Weft worker (the entry, on a loopback port) and the baseline worker
 * (routed on /__baseline/*), sharing the D1 database. Storage is in memory, or D1 in `persistTo`.
 */
export async function startStack({
  bundlePath,
  receiverUrl,
  withBaseline = true,
  inspect = false,
  queueBatchSize,
  rtt = false,
  persistTo,
}) {
  const weft = weftWorkerOptions(bundlePath);
  if (rtt) {
    const classes = Object.values(weft.durableObjects ?? {}).map((d) => d.className ?? d);
    weft.scriptPath = writeRttEntry(dirname(bundlePath), bundlePath, classes);
    // Module names are paths relative to this root (the entries import across folders); the
    // bundle, imported now rather than the entry, is an ES module like wrangler built it.
    weft.modulesRoot = ROOT;
    weft.modulesRules = [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }];
  }
  if (queueBatchSize) {
    // An experiment (--queue-batch): Miniflare hands a consumer one batch at a time.
    for (const consumer of Object.values(weft.queueConsumers ?? {})) {
      consumer.maxBatchSize = queueBatchSize;
    }
  }
  const d1Id = weft.d1Databases.DB.id ?? weft.d1Databases.DB;
  const workers = [weft];
  if (withBaseline) {
    const batch = queueBatchSize ?? weft.queueConsumers?.["weft-triggers"]?.maxBatchSize;
    const baseline = baselineWorkerOptions(receiverUrl, d1Id, weft.compatibilityDate, batch);
    if (rtt) {
      baseline.scriptPath = writeRttEntry(dirname(bundlePath), baseline.scriptPath);
      baseline.modulesRoot = ROOT;
      // d1-rtt.mjs tells requests apart with AsyncLocalStorage (Weft has it through nodejs_compat).
      baseline.compatibilityFlags = ["nodejs_als"];
    }
    workers.push(baseline);
  }
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    ...(inspect ? { inspectorPort: 0 } : {}),
    // D1 on disk (docs/SCALE.md reads its pages with sqlite's dbstat); in memory otherwise.
    ...(persistTo ? { d1Persist: persistTo } : {}),
    log: new Log(LogLevel.WARN),
    logRequests: false,
    handleRuntimeStdio(stdout, stderr) {
      drain(stdout, "stdout");
      drain(stderr, "stderr");
    },
    workers,
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { mf, url, workerdPid: findWorkerdPid() };
}

/** The workerd child of this process (for its memory), or null. */
export function findWorkerdPid() {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8").trim();
      const [, comm, rest] = stat.match(/^\d+ \((.*)\) (.*)$/) ?? [];
      const ppid = Number(rest?.split(" ")[1]);
      if (ppid === process.pid && comm?.includes("workerd")) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found.length ? Math.max(...found) : null;
}

/** Applies migrations/*.sql in order (drizzle's `--> statement-breakpoint` separates statements). */
export async function migrate(mf) {
  const db = await mf.getD1Database("DB", "weft");
  const dir = join(ROOT, "migrations");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((sql) => sql.trim())
      .filter(Boolean);
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
  return files;
}

/** Starts a receiver (bench/receiver.mjs); `ask(cmd)` sends one command and resolves with its reply. */
export async function startReceiver(script = "bench/receiver.mjs") {
  const child = fork(join(ROOT, script), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const queue = [];
  child.on("message", (message) => queue.shift()?.(message));
  const next = () => new Promise((resolve) => queue.push(resolve));
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    ask(cmd, options = {}) {
      const reply = next();
      child.send({ cmd, ...options });
      return reply;
    },
    stop() {
      child.disconnect();
      child.kill("SIGTERM");
    },
  };
}
