// `--profile`: a CPU profile of the Weft worker (through workerd's inspector) around each
// scenario's measured Weft run, summarised as the functions with the most self time and the
// source files (packages) they belong to; the full .cpuprofile is kept under bench/results/.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { round, sleep } from "./measure.mjs";
import { ROOT } from "./stack.mjs";

/**
 * A session on a worker's isolate through workerd's inspector: `call(method, params)`. A user
 * worker by name, or any inspector target by its id (`d1:db`, `core:entry`...).
 */
async function inspectorSession(mf, workerName, inspectorBase = undefined) {
  const base = inspectorBase ?? (await mf.getInspectorURL()).toString().replace(/\/$/, "");
  const target = workerName.includes(":") ? workerName : `core:user:${workerName}`;
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/${target}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
    setTimeout(() => reject(new Error(`inspector: ${target} did not answer`)), 5_000);
  });
  let nextId = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.id === undefined) return; // events (a heap snapshot's chunks among them)
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, ws };
}

/** The sampling interval (µs). A gap between samples longer than a few of them is idle time. */
const SAMPLING_US = 200;
const MAX_SAMPLE_US = 5 * SAMPLING_US;

export async function connectProfiler(mf, bundlePath, workerName = "weft") {
  const { call, ws } = await inspectorSession(mf, workerName);
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: SAMPLING_US });
  return {
    async start() {
      await call("Profiler.start");
    },
    /** Stops, saves the profile as bench/results/<label>.cpuprofile and returns a summary. */
    async stop(label) {
      const { result } = await call("Profiler.stop");
      const file = join(ROOT, "bench/results", `${label}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      return summarise(result.profile, bundleSections(bundlePath));
    },
    close() {
      ws.close();
    },
  };
}

/**
 * esbuild marks each source file of the bundle with a `// path` comment line: the sorted start
 * lines of those sections, with their package (`hono`, `drizzle-orm`, `zod`...) or `src/<dir>`.
 */
function bundleSections(bundlePath) {
  const sections = [];
  readFileSync(bundlePath, "utf8")
    .split("\n")
    .forEach((line, index) => {
      const match = line.match(/^\/\/ (node_modules\/((?:@[^/]+\/)?[^/]+)|src\/([^/]+)|\S+)/);
      if (!match) return;
      const owner = match[2] ?? (match[3] ? `src/${match[3].replace(/\.ts$/, "")}` : match[1]);
      sections.push({ line: index, owner });
    });
  return sections;
}

function ownerOf(sections, line) {
  let lo = 0;
  let hi = sections.length - 1;
  let found = "(bundle prelude)";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sections[mid].line <= line) {
      found = sections[mid].owner;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Self time by function, and by owner: a package of the bundle, src/<dir>, or the runtime. */
export function summarise(profile, sections) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    // A sample after the isolate waited (for D1, or while the baselines ran side by side) carries
    // the whole wait as its delta: counted as such, `iso` or `toHex` showed a quarter of the time.
    const delta = Math.min(profile.timeDeltas[i] ?? 0, MAX_SAMPLE_US);
    total += delta;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const byFunction = new Map();
  const byOwner = new Map();
  for (const [id, time] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    let owner = url ? url.replace(/:.*$/, "") : functionName;
    if (url.endsWith("index.js")) owner = ownerOf(sections, lineNumber);
    else if (!url && !functionName.startsWith("(")) owner = "(runtime builtins)";
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + time);
    const name =
      `${functionName || "(anonymous)"} ${url ? `${url.split("/").pop()}:${lineNumber + 1}` : ""}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  }
  const top = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, time]) => ({ name, ms: round(time / 1000), share: round((time / total) * 100) }));
  const owners = [...byOwner]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, time]) => ({ name, ms: round(time / 1000), share: round((time / total) * 100) }));
  return { total_ms: round(total / 1000), owners, top };
}

/**
 * The V8 heap of a worker's isolate through workerd's inspector (`Runtime.getHeapUsage`), to tell
 * a worker's own memory from the rest of workerd's (Miniflare's simulators, SQLite, buffers).
 */
export async function connectHeap(mf, workerName = "weft") {
  return heapOf(await inspectorSession(mf, workerName));
}

function heapOf({ call, ws }) {
  return {
    /** Used and total heap, MiB (null when the inspector does not answer). */
    async usage() {
      const answer = await Promise.race([call("Runtime.getHeapUsage"), sleep(5_000)]);
      const result = answer?.result;
      return result ? { used: result.usedSize / 2 ** 20, total: result.totalSize / 2 ** 20 } : null;
    },
    /**
     * What the isolate still holds: a heap snapshot (its chunks discarded) makes V8 collect
     * everything unreachable first, then the usage. Workerd does not answer
     * HeapProfiler.collectGarbage; this is the way to a full collection through its inspector.
     */
    async retained() {
      const snapshot = call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      if (!(await Promise.race([snapshot.then(() => true), sleep(30_000)]))) return null;
      return this.usage();
    },
    close() {
      ws.close();
    },
  };
}

/**
 * The address of workerd's own inspector (`http://127.0.0.1:<port>`), or null. Miniflare's
 * `getInspectorURL()` is a proxy that lists only the user workers (`core:user:*`), so Miniflare's
 * own isolates (the entry, D1, queues, assets) are reached only here: the port workerd listens on
 * besides its entry socket, found from the sockets it holds (Linux /proc) and checked by asking
 * it for its targets.
 */
export async function runtimeInspector(workerdPid, entryPort) {
  let inodes;
  try {
    inodes = new Set(
      readdirSync(`/proc/${workerdPid}/fd`)
        .map((fd) => {
          try {
            return readlinkSync(`/proc/${workerdPid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/)?.[1];
          } catch {
            return undefined;
          }
        })
        .filter(Boolean),
    );
  } catch {
    return null;
  }
  const ports = new Set();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local address, state (0A: listening), inode
      if (f[3] === "0A" && inodes.has(f[9])) ports.add(Number.parseInt(f[1].split(":").at(-1), 16));
    }
  }
  ports.delete(entryPort);
  for (const port of ports) {
    for (const host of ["127.0.0.1", "[::1]"]) {
      const base = `http://${host}:${port}`;
      const answer = await fetch(`${base}/json/list`, { signal: AbortSignal.timeout(2_000) })
        .then((res) => (res.ok ? res.json() : null))
        .catch(() => null);
      if (Array.isArray(answer)) return base;
    }
  }
  return null;
}

/**
 * A full collection in every isolate of a workerd process (Weft's and Miniflare's own: the entry,
 * D1, queues, assets, caches), through its inspector: what workerd's RSS is made of once garbage
 * is gone. Returns the isolates' heaps after it, MiB by worker (`used`, and `total`: what V8 keeps
 * committed for it). `except`: targets another session
 * holds (collect those through it).
 */
export async function collectEverywhere(mf, except = [], inspectorBase = undefined) {
  const base = inspectorBase ?? (await mf.getInspectorURL()).toString().replace(/\/$/, "");
  const targets = await (await fetch(`${base}/json/list`)).json();
  const heaps = {};
  for (const { id } of targets) {
    if (except.includes(id)) continue;
    const session = await inspectorSession(mf, id, inspectorBase).catch(() => null);
    if (!session) continue;
    const heap = heapOf(session);
    const usage = await heap.retained().catch(() => null);
    if (usage) heaps[id] = { used: round(usage.used), total: round(usage.total) };
    session.ws.close();
  }
  return heaps;
}
