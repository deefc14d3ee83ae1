// `npm run bench [-- --scenario 1,3 --quick --duration 10 --connections 10 --profile]`
// (`--queue-batch N` overrides the consumers' max_batch_size, to try another value;
// `--rtt 0,30,150 --placement far,replica` choose scenario 7's round-trip times and placements.)
// `npm run bench -- --soak [--duration 600]`: the soak alone (bench/scenarios/soak.mjs).
// `npm run bench -- --scale`: D1 writes per operation and bytes per row (docs/SCALE.md).
// Builds the deployable bundle, runs it in Miniflare from Node beside a baseline worker, and
// prints every scenario as a ratio to the baseline; results also go to bench/results/latest.json.
// See bench/README.md for what each scenario measures.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { procMemory, round, settings } from "./lib/measure.mjs";
import { connectProfiler } from "./lib/profile.mjs";
import { apiClient, createAccount, Unavailable } from "./lib/seed.mjs";
import { buildBundle, migrate, ROOT, runtimeLog, startReceiver, startStack } from "./lib/stack.mjs";
import { measureBundle } from "./scenarios/bundle.mjs";
import { measureDrain, measureFailingShare, measureIsolation } from "./scenarios/endpoints.mjs";
import { measureFanout } from "./scenarios/fanout.mjs";
import { latencyLine, measureLatency } from "./scenarios/latency.mjs";
import { measureAttendeeList, measureEventRead } from "./scenarios/reads.mjs";
import { runScale } from "./scenarios/scale.mjs";
import { runSoak, soakReport } from "./scenarios/soak.mjs";
import { measureWrites } from "./scenarios/writes.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const quick = args.includes("--quick");
const profile = args.includes("--profile");
const chosen = new Set((option("--scenario") ?? "1,2,3,4,5,6,7").split(",").map((s) => s.trim()));
const list = (value, fallback) => (value ?? fallback).split(",").map((s) => s.trim());
settings.connections = Number(option("--connections") ?? 10);
settings.duration = Number(option("--duration") ?? (quick ? 3 : 10));
settings.warmup = quick ? 1 : 2;

const sizes = quick
  ? { reads: 1_000, readScale: [200, 1_000, 5_000], fanout: 500, fanoutScale: [200, 500, 1_000] }
  : {
      reads: 10_000,
      readScale: [1_000, 10_000, 100_000],
      fanout: 5_000,
      fanoutScale: [1_000, 5_000, 20_000],
    };

const log = (line) => console.log(line);
const started = Date.now();

function machine() {
  const git = (...command) => {
    try {
      return execFileSync("git", command, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return null;
    }
  };
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gib: round(totalmem() / 2 ** 30),
    free_memory_gib: round(freemem() / 2 ** 30),
    node: process.version,
    load_average_at_start: loadavg().map((value) => round(value, 2)),
    commit: git("rev-parse", "--short", "HEAD"),
    dirty_tree: Boolean(git("status", "--porcelain", "--", "src")),
  };
}

/** `--soak`: mixed load for `--duration` seconds (10 minutes by default), then its checks. */
async function soakMain() {
  const info = machine();
  const durationS = Number(option("--duration") ?? 600);
  log(
    `Weft soak: ${durationS} s, ${info.cores} cores, node ${info.node}, load ${info.load_average_at_start.join(" ")}, commit ${info.commit}`,
  );
  // `--control`: the same load on a bare worker with Weft's bindings (bench/soak-control-worker.mjs).
  const control = args.includes("--control");
  if (!control) log("building the bundle (wrangler deploy --dry-run --outdir dist/soak)...");
  // Its own folder, like --scale: it may run beside another bench run, which rebuilds dist/.
  const result = await runSoak({
    bundlePath: control
      ? join(ROOT, "bench/soak-control-worker.mjs")
      : buildBundle(join(ROOT, "dist/soak")),
    control,
    durationS,
    // `--warmup <s>`: load before the measured minutes (bench/scenarios/soak.mjs, WARMUP_S).
    warmupS: option("--warmup") === undefined ? undefined : Number(option("--warmup")),
    // `--malloc-stats`: tcmalloc's figures each minute, through gdb (bench/lib/native-memory.mjs).
    mallocStatsToo: args.includes("--malloc-stats"),
    log,
    // `--persist`: D1 on disk (a temporary folder) instead of in workerd's memory.
    persistTo: args.includes("--persist") ? mkdtempSync(join(tmpdir(), "weft-soak-")) : undefined,
  });
  log(soakReport(result));
  const report = {
    taken_at: new Date().toISOString(),
    args,
    machine: { ...info, load_average_at_end: loadavg().map((value) => round(value, 2)) },
    ...result,
    total_s: round((Date.now() - started) / 1000),
  };
  // Only a soak of the full length replaces soak.json (the figures bench/README.md quotes).
  // A longer one (`--duration 1800`) goes beside it, as evidence of where the memory levels.
  const name = control
    ? "soak-control"
    : durationS > 600
      ? "soak-long"
      : durationS === 600
        ? "soak"
        : "soak-short";
  const file = join(ROOT, "bench/results", `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  formatJson(file);
  log(`\nwritten to ${file.slice(ROOT.length)} in ${report.total_s} s`);
  if (control) return;
  const ok =
    result.lost_total === 0 &&
    result.duplicated_total === 0 &&
    result.log_consistent &&
    result.gone.later_triggers_sent === 0 &&
    // Memory is judged once garbage is collected (V8 collects lazily in each of workerd's
    // isolates); the raw RSS is printed beside it.
    (result.memory.after_gc?.samples.length ? result.memory.after_gc.flat : result.memory.flat);
  log(ok ? "soak: every check met" : "soak: a check MISSED (see above)");
}

/** `--scale`: D1 writes per operation and bytes per row, for docs/SCALE.md. */
async function scaleMain() {
  const info = machine();
  log(`Weft scale figures: commit ${info.commit}; building the bundle...`);
  // Its own folder: it may run beside another bench run, which rebuilds dist/.
  const result = await runScale({ bundlePath: buildBundle(join(ROOT, "dist/scale")), log });
  const file = join(ROOT, "bench/results/scale.json");
  writeFileSync(
    file,
    `${JSON.stringify({ taken_at: new Date().toISOString(), machine: info, ...result }, null, 2)}\n`,
  );
  formatJson(file);
  log(`written to ${file.slice(ROOT.length)}`);
}

async function main() {
  if (args.includes("--soak")) return soakMain();
  if (args.includes("--scale")) return scaleMain();
  const info = machine();
  log(
    `Weft benchmarks${quick ? " (--quick)" : ""}: ${info.cores} cores, ${info.memory_gib} GiB, node ${info.node}, load ${info.load_average_at_start.join(" ")}`,
  );
  log(
    `autocannon: ${settings.connections} connections, ${settings.warmup} s warm-up, ${settings.duration} s measured`,
  );

  // A profile needs the bundle's function names and `// path` section comments, which minify drops.
  log(
    `building the bundle (wrangler deploy --dry-run --outdir dist${profile ? " --no-minify" : ""})...`,
  );
  const bundlePath = buildBundle(undefined, profile ? ["--no-minify"] : []);
  const receiver = await startReceiver();
  const { mf, url, workerdPid } = await startStack({
    bundlePath,
    receiverUrl: receiver.url,
    inspect: profile,
    queueBatchSize: option("--queue-batch") ? Number(option("--queue-batch")) : undefined,
  });
  log(`miniflare on ${url} (workerd pid ${workerdPid}), receiver on ${receiver.url}`);
  const db = await mf.getD1Database("DB", "weft");
  await migrate(mf);
  const api = apiClient(url);
  const world = await createAccount(api);
  const profiler = profile ? await connectProfiler(mf, bundlePath) : null;
  /** Runs `measure` (the Weft side of a scenario) under the CPU profiler when --profile is set. */
  async function profiled(label, measure) {
    if (!profiler) return measure();
    await profiler.start();
    const result = await measure();
    const summary = await profiler.stop(label);
    log(`  CPU profile of ${label} (${summary.total_ms} ms sampled), self time by owner:`);
    log(`    ${summary.owners.map(({ name, share }) => `${name} ${share}%`).join(", ")}`);
    log("  most self time:");
    for (const { name, ms, share } of summary.top.slice(0, 8))
      log(`    ${share}% ${ms} ms ${name}`);
    // Scenario 1 measures side by side and gets a list back (reads.mjs destructures it).
    if (Array.isArray(result)) return Object.assign(result, { profile: summary });
    return { ...result, profile: summary };
  }
  const ctx = {
    mf,
    url,
    db,
    api,
    world,
    receiver,
    workerdPid,
    bundlePath,
    quick,
    sizes,
    log,
    profiled,
  };

  const results = [];
  async function scenario(id, title, run) {
    if (!chosen.has(id)) return;
    log(`\n## Scenario ${id}: ${title}`);
    const at = Date.now();
    try {
      const rows = await run();
      for (const row of rows) {
        if (row.skipped) log(`  skipped: ${row.skipped}`);
        else log(format(id, row));
        for (const t of row.targets ?? []) log(`    target: ${targetLine(t)}`);
        if (row.warning) log(`  WARNING: ${row.warning}`);
        results.push({ scenario: id, ...row });
      }
    } catch (error) {
      const why = error instanceof Unavailable ? error.message : error.stack;
      log(`  skipped: ${why}`);
      results.push({ scenario: id, skipped: String(error.message) });
    }
    log(`  (${round((Date.now() - at) / 1000)} s)`);
  }

  await scenario("1", "reads with an integration key and a mapping", async () => [
    await measureAttendeeList(ctx, sizes.reads),
    await measureEventRead(ctx),
  ]);
  await scenario("2", "POST /v1/attendees with one active webhook", () => measureWrites(ctx));
  await scenario("3", "a burst of triggers fanned out to 3 webhooks", async () => [
    await measureFanout(ctx, sizes.fanout),
  ]);
  await scenario("4", "how cost grows", async () => {
    const rows = [];
    for (const size of sizes.readScale) {
      const known = results.find((r) => r.scenario === "1" && r.size === size);
      rows.push(known ? { ...known, reused: "scenario 1" } : await measureAttendeeList(ctx, size));
    }
    for (const size of sizes.fanoutScale) {
      const known = results.find((r) => r.scenario === "3" && r.size === size);
      rows.push(known ? { ...known, reused: "scenario 3" } : await measureFanout(ctx, size));
    }
    return rows;
  });
  await scenario("5", "bundle size and start-up", async () => [await measureBundle(ctx)]);
  await scenario("6", "endpoints: isolation, a failing share, the drain", async () => [
    await measureIsolation(ctx),
    await measureFailingShare(ctx),
    await measureDrain(ctx),
  ]);
  await scenario("7", "latency with D1 a round trip away (paced load)", () =>
    measureLatency(ctx, {
      rtts: list(option("--rtt"), "0,30,150").map(Number),
      placements: list(option("--placement"), "far,replica"),
    }),
  );

  const hwm = procMemory(workerdPid).hwm;
  const report = {
    taken_at: new Date().toISOString(),
    quick,
    args,
    settings: { ...settings },
    machine: { ...info, load_average_at_end: loadavg().map((value) => round(value, 2)) },
    workerd_peak_rss_mib: hwm === null ? null : round(hwm),
    node_peak_rss_mib: round(process.resourceUsage().maxRSS / 1024),
    runtime_log: runtimeLog,
    results,
    total_s: round((Date.now() - started) / 1000),
  };
  log(
    `\nworkerd peak RSS (VmHWM) ${report.workerd_peak_rss_mib} MiB, node peak RSS ${report.node_peak_rss_mib} MiB`,
  );
  if (runtimeLog.count > 0) {
    log(`the workers printed ${runtimeLog.count} lines; first ones:`);
    for (const line of runtimeLog.lines.slice(0, 5)) log(`  ${line}`);
  }
  log(`\n${table(results)}`);
  log(`\n${targetSummary(results)}`);
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  // Only a full run of every scenario replaces latest.json (the figures bench/README.md quotes).
  const partial = option("--scenario") !== undefined || args.includes("--profile");
  const file = join(
    dir,
    quick ? "latest-quick.json" : partial ? "latest-partial.json" : "latest.json",
  );
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  formatJson(file);
  log(`\nwritten to ${file.slice(ROOT.length)} in ${report.total_s} s`);

  profiler?.close();
  await mf.dispose();
  receiver.stop();
}

/**
 * In Biome's layout, so that `npm run lint` stays clean after a run (Biome skips the git-ignored
 * quick and partial results and says so with a non-zero exit: harmless).
 */
function formatJson(file) {
  try {
    execFileSync(join(ROOT, "node_modules/.bin/biome"), ["format", "--write", file], {
      cwd: ROOT,
      stdio: "ignore",
    });
  } catch {
    // Left as JSON.stringify wrote it.
  }
}

function format(id, row) {
  const { weft: w, baseline: b } = row;
  if (row.latency) return latencyLine(row);
  const endpoints = endpointSummary(row);
  if (endpoints) return `  ${row.name}: ${endpoints}`;
  if (id === "5" || row.bundle) {
    const { built, minified } = row.bundle;
    return [
      `  bundle: ${built.raw_kib} KiB raw, ${built.gzip_kib} KiB gzip (minified: ${minified.raw_kib} / ${minified.gzip_kib} KiB)`,
      `  start-up CPU (wrangler check startup profile, median of 3): ${w.profile.cpu_ms} ms of a ${w.profile.span_ms} ms start-up phase`,
      `  fresh workerd: ready ${w.ready_ms} ms + first response ${w.first_response_ms} ms (baseline ${b.ready_ms} + ${b.first_response_ms} ms)`,
    ].join("\n");
  }
  if (w.deliveries_per_s !== undefined) {
    return `  ${row.name}: ${w.deliveries_per_s} deliveries/s (baseline ${b.deliveries_per_s}, ratio ${row.ratio}), received ${w.received}/${w.expected}, lost ${w.lost}, duplicated ${w.duplicated}, ${w.total_ms} ms (the cron ran ${w.sweeps ?? 0} times meanwhile); workerd CPU ${w.cpu_ms_per_delivery} ms/delivery (baseline ${b.cpu_ms_per_delivery}); workerd peak ${w.workerd_rss_mib} MiB`;
  }
  const lines = [
    `  ${row.name}: ${w.rps} req/s, p50 ${w.p50_ms} ms, p99 ${w.p99_ms} ms (baseline ${b.rps} req/s, p99 ${b.p99_ms} ms, ratio ${row.ratio}); workerd CPU ${w.cpu_ms_per_request} ms/request (baseline ${b.cpu_ms_per_request}); non-2xx ${w.non2xx}, errors ${w.errors}; peak RSS node ${w.node_rss_mib} / workerd ${w.workerd_rss_mib} MiB`,
  ];
  if (row.keyed_baseline) {
    lines.push(
      `    baseline that also looks its key up: ${row.keyed_baseline.rps} req/s, p99 ${row.keyed_baseline.p99_ms} ms, workerd CPU ${row.keyed_baseline.cpu_ms_per_request} ms/request; Weft's ratio to it ${row.ratio_to_keyed}`,
    );
  }
  if (w.receipt_p50_ms !== undefined) {
    lines.push(
      `    POST-to-receipt: p50 ${w.receipt_p50_ms} ms, p99 ${w.receipt_p99_ms} ms, max ${w.receipt_max_ms} ms; received ${w.received}/${w.created}, lost ${w.lost}, duplicated ${w.duplicated} (baseline p50 ${b.receipt_p50_ms} ms, p99 ${b.receipt_p99_ms} ms)`,
    );
  }
  return lines.join("\n");
}

function targetLine({ what, value, bound, met }) {
  return `${what}: ${value ?? "n/a"} (bound ${bound}) ${met ? "met" : "MISSED"}`;
}

/** Every target of the run, met or missed (scenario 4 repeats scenario 1's reads: not listed). */
function targetSummary(results) {
  const lines = ["Targets (issue 13):"];
  for (const row of results) {
    if (row.skipped || row.reused || row.scenario === "4") continue;
    for (const t of row.targets ?? []) lines.push(`  ${row.name}: ${targetLine(t)}`);
    if (row.latency) {
      const l = row.latency;
      lines.push(
        `  ${row.name}: p50 ${row.weft.p50_ms} ms <= ${l.target_p50_ms} ms ${l.met ? "met" : "MISSED"}`,
      );
    }
  }
  const all = lines.length - 1;
  const missed = lines.filter((line) => line.endsWith("MISSED")).length;
  lines.push(`  ${all - missed} of ${all} met`);
  return lines.join("\n");
}

/** Scenario 6's figures in a line, or null for another scenario's row. */
function endpointSummary(row) {
  if (row.isolation) {
    const { alone, beside, p50_ratio, p99_ratio } = row.isolation;
    return `change-to-receipt alone p50 ${alone.p50_ms} / p99 ${alone.p99_ms} ms, beside the slow one p50 ${beside.p50_ms} / p99 ${beside.p99_ms} ms (ratio ${p50_ratio} / ${p99_ratio}); lost ${alone.lost + beside.lost}`;
  }
  if (row.failing_share) {
    const f = row.failing_share;
    return `${f.deliveries_per_s} deliveries/s to the healthy 9 (${f.healthy_received}/${f.healthy_expected}, lost ${f.lost}, duplicated ${f.duplicated}, ${f.total_ms} ms); the failing one got ${f.failing_requests} requests for ${f.failing_deliveries} deliveries, state ${f.failing_state.state} (${f.failing_state.state_reason})`;
  }
  if (row.drain) {
    const d = row.drain;
    return `all ${d.received}/${d.expected} delivered ${d.all_delivered_ms} ms after the first sweep (${d.sweeps} sweep(s), the first took ${d.first_sweep_ms} ms); lost ${d.lost}, duplicated ${d.duplicated}`;
  }
  return null;
}

/** A Markdown table of every measured row (for bench/README.md). */
function table(results) {
  const lines = [
    "| # | what | Weft | baseline | ratio | p50 / p99 ms | workerd CPU ms/op (baseline) | peak RSS workerd / node MiB | notes |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of results) {
    if (row.skipped) {
      lines.push(`| ${row.scenario} | | | | | | | | skipped: ${row.skipped.slice(0, 120)} |`);
      continue;
    }
    const { weft: w, baseline: b } = row;
    if (row.latency) {
      const l = row.latency;
      lines.push(
        `| ${row.scenario} | ${l.op}, RTT ${l.rtt_ms} ms (${l.placement}) | p50 ${w.p50_ms} / p99 ${w.p99_ms} ms | ${b ? `p50 ${b.p50_ms} / p99 ${b.p99_ms} ms` : ""} | | | | | target p50 <= ${l.target_p50_ms} ms: **${l.met ? "met" : "missed"}**; ${w.round_trips} round trips (${w.on_primary} primary)${b ? `, baseline ${b.round_trips}` : ""}; paced ${l.rate} req/s |`,
      );
      continue;
    }
    const endpoints = endpointSummary(row);
    if (endpoints) {
      lines.push(`| ${row.scenario} | ${row.name} | ${endpoints} | | | | | | |`);
      continue;
    }
    if (row.bundle) {
      const { built, minified } = row.bundle;
      lines.push(
        `| ${row.scenario} | bundle, gzip (raw) | ${built.gzip_kib} KiB (${built.raw_kib}) | | | | | | minified: ${minified.gzip_kib} KiB gzip (${minified.raw_kib} raw) |`,
        `| ${row.scenario} | start-up CPU (wrangler check startup) | ${w.profile.cpu_ms} ms | | | | | | of a ${w.profile.span_ms} ms phase, median of 3 |`,
        `| ${row.scenario} | fresh workerd: ready + first response | ${w.ready_ms} + ${w.first_response_ms} ms | ${b.ready_ms} + ${b.first_response_ms} ms | | | | | median |`,
      );
    } else if (w.deliveries_per_s !== undefined) {
      lines.push(
        `| ${row.scenario} | ${row.name} | ${w.deliveries_per_s} deliveries/s | ${b.deliveries_per_s} | ${row.ratio} | | ${w.cpu_ms_per_delivery} (${b.cpu_ms_per_delivery}) | ${w.workerd_rss_mib} / ${w.node_rss_mib} | lost ${w.lost}, duplicated ${w.duplicated}, all in ${round(w.total_ms / 1000)} s |`,
      );
    } else {
      const receipt =
        w.receipt_p50_ms === undefined
          ? ""
          : `POST-to-receipt p50 ${w.receipt_p50_ms} ms, p99 ${w.receipt_p99_ms} ms (baseline ${b.receipt_p50_ms} / ${b.receipt_p99_ms}); lost ${w.lost}, duplicated ${w.duplicated}`;
      const errors = w.non2xx || w.errors ? ` non-2xx ${w.non2xx}, errors ${w.errors}` : "";
      const warning = row.warning ? ` ${row.warning}` : "";
      const targets = (row.targets ?? [])
        .map((t) => `; ${t.what}: ${t.value} **${t.met ? "met" : "missed"}**`)
        .join("");
      const keyed = row.keyed_baseline
        ? `baseline with a key lookup: ${row.keyed_baseline.rps} req/s, p99 ${row.keyed_baseline.p99_ms} ms, ${row.keyed_baseline.cpu_ms_per_request} ms CPU; ratio to it **${row.ratio_to_keyed}**`
        : "";
      lines.push(
        `| ${row.scenario} | ${row.name} | ${w.rps} req/s | ${b.rps} req/s | ${row.ratio} | ${w.p50_ms} / ${w.p99_ms} (baseline ${b.p50_ms} / ${b.p99_ms}) | ${w.cpu_ms_per_request} (${b.cpu_ms_per_request}) | ${w.workerd_rss_mib} / ${w.node_rss_mib} | ${receipt}${keyed}${targets}${errors}${warning} |`,
      );
    }
  }
  return lines.join("\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
