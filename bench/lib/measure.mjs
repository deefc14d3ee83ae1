// Load (autocannon), memory sampling and small statistics shared by the scenarios.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export const settings = {
  connections: 10,
  duration: 10,
  warmup: 2,
};

/** VmRSS and VmHWM of a process, in MiB (null when it cannot be read). */
export function procMemory(pid) {
  if (!pid) return { rss: null, hwm: null };
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1]);
    return { rss: kib("VmRSS") / 1024, hwm: kib("VmHWM") / 1024 };
  } catch {
    return { rss: null, hwm: null };
  }
}

/** Samples the RSS of this Node process and of workerd every 100 ms; `stop()` gives the peaks. */
export function sampleMemory(workerdPid) {
  let node = 0;
  let workerd = 0;
  const tick = () => {
    node = Math.max(node, process.memoryUsage().rss / 2 ** 20);
    workerd = Math.max(workerd, procMemory(workerdPid).rss ?? 0);
  };
  tick();
  const timer = setInterval(tick, 100);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { node_rss_mib: round(node), workerd_rss_mib: workerdPid ? round(workerd) : null };
    },
  };
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A warm-up run (discarded), then a measured run of `settings.duration` seconds with
 * `settings.connections` connections. `requests` is autocannon's list (setupRequest, onResponse).
 */
export async function load({ url, headers = {}, method = "GET", body, requests, workerdPid }) {
  const base = {
    url,
    method,
    headers,
    body,
    requests,
    connections: settings.connections,
    timeout: 30,
  };
  if (settings.warmup > 0) await cannon({ ...base, duration: settings.warmup });
  const memory = sampleMemory(workerdPid);
  const result = await cannon({ ...base, duration: settings.duration });
  const peaks = memory.stop();
  const ok = result["2xx"];
  return {
    rps: round(ok / (result.duration || settings.duration)),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...peaks,
  };
}

export function round(value, digits = 1) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
