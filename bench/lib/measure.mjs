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

/** CPU time (user + system) a process has used so far, in ms (clock ticks of 10 ms). */
export function procCpuMs(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * Samples the RSS of this Node process and of workerd every 100 ms; `stop()` gives the peaks and
 * the CPU time workerd used meanwhile (a figure less sensitive than throughput to other load).
 */
export function sampleMemory(workerdPid) {
  let node = 0;
  let workerd = 0;
  const cpuStart = procCpuMs(workerdPid);
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
      const cpuEnd = procCpuMs(workerdPid);
      return {
        node_rss_mib: round(node),
        workerd_rss_mib: workerdPid ? round(workerd) : null,
        workerd_cpu_ms: cpuStart === null || cpuEnd === null ? null : cpuEnd - cpuStart,
      };
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
export async function load({
  url,
  headers = {},
  method = "GET",
  body,
  requests,
  workerdPid,
  overallRate,
}) {
  const base = {
    url,
    method,
    headers,
    body,
    requests,
    connections: settings.connections,
    timeout: 30,
    ...(overallRate ? { overallRate } : {}),
  };
  if (settings.warmup > 0) await cannon({ ...base, duration: settings.warmup });
  const memory = sampleMemory(workerdPid);
  const result = await cannon({ ...base, duration: settings.duration });
  const peaks = memory.stop();
  const ok = result["2xx"];
  const { workerd_cpu_ms, ...memory_peaks } = peaks;
  return {
    rps: round(ok / (result.duration || settings.duration)),
    cpu_ms_per_request:
      workerd_cpu_ms === null || result.requests.total === 0
        ? null
        : round(workerd_cpu_ms / result.requests.total, 2),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...memory_peaks,
  };
}

/** autocannon, with every response's latency pushed onto `latencies`. */
function cannonTimed(options, latencies) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    instance.on("response", (_client, _status, _bytes, time) => latencies.push(time));
  });
}

/**
 * Several targets side by side: a warm-up of each, then `rounds` rounds in which each runs for
 * `settings.duration / rounds` seconds, in an order that rotates every round, so that a busier
 * minute of this shared machine weighs on all of them alike. Figures are over all rounds (p50/p99
 * from every response's latency). `targets` is a list of load() options; returns one result each.
 */
export async function sideBySide(targets, { workerdPid, rounds = 3 }) {
  const base = (target) => ({
    url: target.url,
    method: target.method ?? "GET",
    headers: target.headers ?? {},
    body: target.body,
    requests: target.requests,
    connections: settings.connections,
    timeout: 30,
  });
  if (settings.warmup > 0) {
    for (const target of targets) await cannon({ ...base(target), duration: settings.warmup });
  }
  const totals = targets.map(() => ({
    latencies: [],
    ok: 0,
    requests: 0,
    non2xx: 0,
    errors: 0,
    seconds: 0,
    cpu_ms: 0,
    node_rss_mib: 0,
    workerd_rss_mib: 0,
  }));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < targets.length; i++) {
      const at = (i + r) % targets.length;
      const total = totals[at];
      const memory = sampleMemory(workerdPid);
      const result = await cannonTimed(
        { ...base(targets[at]), duration: settings.duration / rounds },
        total.latencies,
      );
      const peaks = memory.stop();
      total.ok += result["2xx"];
      total.requests += result.requests.total;
      total.non2xx += result.non2xx;
      total.errors += result.errors + result.timeouts;
      total.seconds += result.duration || settings.duration / rounds;
      total.cpu_ms = peaks.workerd_cpu_ms === null ? null : total.cpu_ms + peaks.workerd_cpu_ms;
      total.node_rss_mib = Math.max(total.node_rss_mib, peaks.node_rss_mib);
      total.workerd_rss_mib = Math.max(total.workerd_rss_mib, peaks.workerd_rss_mib ?? 0);
    }
  }
  return totals.map((total) => {
    total.latencies.sort((a, b) => a - b);
    return {
      rps: round(total.ok / total.seconds),
      cpu_ms_per_request:
        total.cpu_ms === null || total.requests === 0
          ? null
          : round(total.cpu_ms / total.requests, 2),
      p50_ms: round(percentile(total.latencies, 50)),
      p99_ms: round(percentile(total.latencies, 99)),
      requests: total.requests,
      non2xx: total.non2xx,
      errors: total.errors,
      rounds,
      node_rss_mib: total.node_rss_mib,
      workerd_rss_mib: workerdPid ? total.workerd_rss_mib : null,
    };
  });
}

/**
 * Open-loop paced load for latency: request n leaves at start + n / rate seconds whether or not
 * earlier ones have answered (autocannon's `overallRate` releases each connection's share at the
 * start of every second, a burst that makes p50 a queue's). A warm-up (discarded) first.
 * `bodyFor(n)` gives a JSON body (POST) or nothing (GET).
 */
export async function paced({
  url,
  method = "GET",
  headers = {},
  bodyFor,
  rate,
  duration = settings.duration,
  warmup = settings.warmup,
  workerdPid,
}) {
  let n = 0;
  const run = async (seconds) => {
    const latencies = [];
    const statuses = { ok: 0, non2xx: 0, errors: 0 };
    const pending = [];
    const started = performance.now();
    const count = Math.round(seconds * rate);
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const ahead = due - performance.now();
      if (ahead > 0) await sleep(ahead);
      const body = bodyFor ? JSON.stringify(bodyFor(n++)) : undefined;
      const sent = performance.now();
      pending.push(
        fetch(url, {
          method,
          headers: body ? { "content-type": "application/json", ...headers } : headers,
          body,
        })
          .then(async (res) => {
            await res.arrayBuffer();
            latencies.push(performance.now() - sent);
            if (res.ok) statuses.ok++;
            else statuses.non2xx++;
          })
          .catch(() => statuses.errors++),
      );
    }
    await Promise.all(pending);
    return { latencies, statuses, elapsed: (performance.now() - started) / 1000 };
  };
  if (warmup > 0) await run(warmup);
  const memory = sampleMemory(workerdPid);
  const { latencies, statuses, elapsed } = await run(duration);
  const { workerd_cpu_ms } = memory.stop();
  latencies.sort((a, b) => a - b);
  const total = statuses.ok + statuses.non2xx + statuses.errors;
  return {
    rps: round(statuses.ok / elapsed),
    rate,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1) ?? 0),
    requests: total,
    non2xx: statuses.non2xx,
    errors: statuses.errors,
    cpu_ms_per_request:
      workerd_cpu_ms === null || total === 0 ? null : round(workerd_cpu_ms / total, 2),
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
