// The soak (issue 16): `npm run bench -- --soak [--duration <s>]` runs mixed load for 10 minutes
// (or <s> seconds) against the built bundle: reads with an integration key and an admin key,
// creates and updates of attendees, activations that switch a profile between two integrations
// every few seconds, reads of the delivery log, and the cron every minute; every write fires
// webhooks to bench/soak-receiver.mjs, which answers 500 to 10 % of requests, holds 5 % past
// Weft's timeout, and answers 410 once (to the `gone` webhook, 30 % into the run).
// Then it drains and checks, from the receiver's log and Weft's own tables:
//   - 0 lost: every accepted write has its delivery per webhook that should fire, and every
//     delivery is delivered, or pending with its next attempt scheduled (the documented retry
//     schedule: a delivery that failed twice waits 5 minutes, then 30);
//   - 0 duplicated: no webhook-id answered 2xx twice, no trigger fanned out twice to one webhook,
//     no attendee of the switching profile delivered by both integrations;
//   - the log matches the receiver: every delivered delivery was received with a 2xx, every
//     request the receiver saw is an attempt in the log with the same outcome, and the reverse;
//   - the 410 disabled that webhook (`gone`) and nothing was sent to it for later triggers;
//   - memory flat: workerd's RSS over the last minute within 10 % of minute two.
import { percentile, procMemory, round, sleep } from "../lib/measure.mjs";
import { mallocStats, memoryMap } from "../lib/native-memory.mjs";
import { collectEverywhere, connectHeap, runtimeInspector } from "../lib/profile.mjs";
import {
  activate,
  apiClient,
  BENCH_MAPPING,
  createAccount,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  createWebhook,
  seedAttendees,
} from "../lib/seed.mjs";
import { migrate, startReceiver, startStack } from "../lib/stack.mjs";

/** Requests per second of each kind of load, and the seconds between activations. */
const RATES = {
  "GET /v1/attendees (integration key)": 6,
  "GET /v1/events/{uid} (integration key)": 3,
  "GET /v1/attendees (admin key, growing event)": 2,
  "GET /v1/integrations/{id}/deliveries": 0.5,
  "POST /v1/attendees (profile A)": 2,
  "POST /v1/attendees (profile B)": 1,
  "PATCH /v1/attendees/{uid}": 1,
};
const ACTIVATION_EVERY_S = 5;
/** Requests of the load in flight at most (past it a tick is skipped and counted). */
const MAX_IN_FLIGHT = 64;
/** When the receiver answers 410 to the `gone` webhook, as a share of the warm-up (of the run
 * without one). */
const GONE_AT = 0.3;
/**
 * Load before the measured minutes (`--warmup <s>`; none by default): with it, minute two has seen
 * every kind of work the last minute does (a delivery's third attempt comes 5 minutes after its
 * second, so the first 5 minutes lack those). Runs with 6 minutes of it and without gave the same
 * memory figures once every isolate was collected each minute (bench/README.md "The soak").
 */
export const WARMUP_S = 0;
/** Drain: stop when nothing is due and the receiver was quiet this long (a held request is 16 s). */
const QUIET_MS = 20_000;
/** At most 10 minutes: a delivery that failed twice waits 5 for its third attempt, and the
 * sweeper wakes endpoints whose deliveries are a minute overdue. */
const MAX_DRAIN_MS = 600_000;
/** Memory: workerd's RSS at the end within this share of minute two's. */
const MEMORY_TOLERANCE = 0.1;

/**
 * Profile A: an event of 2,000 attendees, its integration (a mapping, a read key) active with three
 * webhooks (create, update, and `gone`, which will answer 410). Profile B: two integrations X and
 * Y, one guest.create webhook each, between which the load switches.
 */
async function seedWorld(api, db, receiverUrl) {
  const world = await createAccount(api);
  const key = world.adminKey;
  const hook = (integration, name, trigger, path) =>
    createWebhook(api, key, integration, { name, trigger, url: `${receiverUrl}${path}` });
  const profileA = await createProfile(api, key, "Soak A");
  const eventA = await createEvent(api, key, profileA, "Soak A");
  await seedAttendees(db, {
    accountId: world.accountId,
    eventUid: eventA,
    profileUid: profileA,
    count: 2_000,
    tag: "soak",
  });
  const integrationA = await createIntegration(api, key, [profileA], BENCH_MAPPING);
  const readKey = await createIntegrationKey(api, key, integrationA);
  const profileB = await createProfile(api, key, "Soak B");
  const eventB = await createEvent(api, key, profileB, "Soak B");
  const x = await createIntegration(api, key, [profileB]);
  const y = await createIntegration(api, key, [profileB]);
  const webhooks = {
    create: await hook(integrationA, "Create", "guest.create", "/soak/a/create"),
    update: await hook(integrationA, "Update", "guest.update", "/soak/a/update"),
    gone: await hook(integrationA, "Gone", "guest.create", "/soak/gone/create"),
    x: await hook(x, "X", "guest.create", "/soak/x/create"),
    y: await hook(y, "Y", "guest.create", "/soak/y/create"),
  };
  await activate(api, key, profileA, integrationA);
  await activate(api, key, profileB, x);
  return { world, profileA, eventA, integrationA, readKey, profileB, eventB, x, y, webhooks };
}

/** Per kind of request: answers by status, latencies. */
function tally() {
  const kinds = new Map();
  return {
    record(kind, status, ms, error) {
      let entry = kinds.get(kind);
      if (!entry) {
        entry = { statuses: {}, latencies: [], errors: 0, error_messages: {} };
        kinds.set(kind, entry);
      }
      if (status === null) {
        entry.errors++;
        const message = String(error?.cause?.code ?? error?.message ?? error);
        entry.error_messages[message] = (entry.error_messages[message] ?? 0) + 1;
      } else entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
      entry.latencies.push(ms);
    },
    summary() {
      return Object.fromEntries(
        [...kinds].map(([kind, { statuses, latencies, errors, error_messages }]) => {
          latencies.sort((a, b) => a - b);
          return [
            kind,
            {
              statuses,
              errors,
              error_messages,
              requests: latencies.length,
              p50_ms: round(percentile(latencies, 50) ?? 0),
              p99_ms: round(percentile(latencies, 99) ?? 0),
            },
          ];
        }),
      );
    },
  };
}

/** The load: one timer per kind, open loop, until `stop()`. */
function startLoad({ url, soak, tallies, created }) {
  const admin = soak.world.adminKey;
  let inFlight = 0;
  let skipped = 0;
  let n = 0;
  const call = async (kind, method, path, key, body) => {
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      return null;
    }
    inFlight++;
    const started = performance.now();
    try {
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      tallies.record(kind, res.status, performance.now() - started);
      return res.ok ? JSON.parse(text).data : null;
    } catch (error) {
      tallies.record(kind, null, performance.now() - started, error);
      return null;
    } finally {
      inFlight--;
    }
  };
  const actions = {
    "GET /v1/attendees (integration key)": (kind) =>
      call(kind, "GET", `/v1/attendees?event_uid=${soak.eventA}&page_size=50`, soak.readKey),
    "GET /v1/events/{uid} (integration key)": (kind) =>
      call(kind, "GET", `/v1/events/${soak.eventA}`, soak.readKey),
    "GET /v1/attendees (admin key, growing event)": (kind) =>
      call(kind, "GET", `/v1/attendees?event_uid=${soak.eventB}&page_size=20`, admin),
    "GET /v1/integrations/{id}/deliveries": (kind) =>
      call(kind, "GET", `/v1/integrations/${soak.integrationA}/deliveries?page_size=20`, admin),
    "POST /v1/attendees (profile A)": async (kind) => {
      const i = n++;
      const data = await call(kind, "POST", "/v1/attendees", admin, {
        event_uid: soak.eventA,
        fields: { email: `soak-a${i}@example.com`, firstname: "Soak", lastname: `A${i}` },
      });
      if (data) created.a.set(data.uid, Date.parse(data.created_at));
    },
    "POST /v1/attendees (profile B)": async (kind) => {
      const i = n++;
      const data = await call(kind, "POST", "/v1/attendees", admin, {
        event_uid: soak.eventB,
        fields: { email: `soak-b${i}@example.com`, firstname: "Soak", lastname: `B${i}` },
      });
      if (data) created.b.set(data.uid, Date.parse(data.created_at));
    },
    "PATCH /v1/attendees/{uid}": async (kind) => {
      const uids = [...created.a.keys()];
      if (uids.length === 0) return;
      const uid = uids[Math.floor(Math.random() * uids.length)];
      const i = n++;
      const data = await call(kind, "PATCH", `/v1/attendees/${uid}`, admin, {
        fields: { lastname: `Patched${i}` },
      });
      if (data) created.updates.set(uid, (created.updates.get(uid) ?? 0) + 1);
    },
  };
  const timers = Object.entries(RATES).map(([kind, rate]) =>
    setInterval(() => actions[kind](kind), 1000 / rate),
  );
  // Activations alternate profile B between X and Y, one at a time: each answer's
  // `replaced_integration_id` must be the integration the one before made active.
  const chain = { count: 0, broken: 0, last: soak.x, failed: 0 };
  let activating = false;
  timers.push(
    setInterval(async () => {
      if (activating) return;
      activating = true;
      const next = chain.last === soak.x ? soak.y : soak.x;
      const data = await call(
        "PUT /v1/profiles/{uid}/integration",
        "PUT",
        `/v1/profiles/${soak.profileB}/integration`,
        admin,
        { integration_id: next },
      );
      if (data) {
        chain.count++;
        if (data.replaced_integration_id !== chain.last) chain.broken++;
        chain.last = data.integration_id;
      } else chain.failed++;
      activating = false;
    }, ACTIVATION_EVERY_S * 1000),
  );
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      while (inFlight > 0 || activating) await sleep(50);
      return { skipped, activations: chain };
    },
  };
}

/** The tables the checks read: deliveries and attempts from the delivery log's binding. */
async function databases(mf) {
  const db = await mf.getD1Database("DB", "weft");
  let log = db;
  try {
    log = await mf.getD1Database("DELIVERIES_DB", "weft");
  } catch {
    // Before the delivery log had a binding of its own: everything is in DB.
  }
  return { db, log };
}

async function backlog({ db, log }) {
  const now = new Date(Date.now() + 30_000).toISOString();
  const [triggers] = await db.batch([
    db.prepare("SELECT count(*) AS n FROM triggers WHERE status = 'pending'"),
  ]);
  const [due] = await log.batch([
    log
      .prepare(
        "SELECT count(*) AS n FROM deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)",
      )
      .bind(now),
  ]);
  return { pending_triggers: triggers.results[0].n, due_deliveries: due.results[0].n };
}

/** Runs the cron handler the way Cloudflare would every minute (Miniflare does not by itself). */
async function cron(mf) {
  try {
    const worker = await mf.getWorker("weft");
    await worker.scheduled({ cron: "* * * * *" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The control's world (bench/soak-control-worker.mjs): the same shape as `seedWorld`'s, written by
 * the control worker into tables of its own.
 */
async function seedControl(url, receiverUrl) {
  const res = await fetch(`${url}/__control/seed`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ receiverUrl }),
  });
  if (!res.ok) throw new Error(`the control's seed answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * `control`: the same load against bench/soak-control-worker.mjs (`bundlePath`) instead of Weft,
 * for its memory figures only (no drain, no checks: its tables are not Weft's).
 */
export async function runSoak({
  bundlePath,
  durationS,
  warmupS = WARMUP_S,
  mallocStatsToo = false,
  log,
  persistTo,
  control = false,
}) {
  const receiver = await startReceiver("bench/soak-receiver.mjs");
  const { mf, url, workerdPid } = await startStack({
    bundlePath,
    receiverUrl: receiver.url,
    withBaseline: false,
    inspect: true,
    // `--persist`: D1 on disk instead of in workerd's memory (to tell its growth from the rest).
    persistTo,
  });
  log(`miniflare on ${url} (workerd pid ${workerdPid}), soak receiver on ${receiver.url}`);
  // Weft's own JS heap beside workerd's RSS (which also holds Miniflare's D1, queue and Durable
  // Object simulators): which of the two grows, if anything does.
  const heap = await connectHeap(mf).catch(() => null);
  // Miniflare's isolates (entry, D1, queues, assets) through workerd's own inspector: Miniflare's
  // proxy lists only Weft's. Before 2026-11-29 the soak's "full GC everywhere" reached Weft alone.
  const inspectorBase = await runtimeInspector(workerdPid, Number(new URL(url).port));
  if (!inspectorBase)
    log("  workerd's own inspector not found: Miniflare's isolates are not collected");
  try {
    await migrate(mf);
    const dbs = await databases(mf);
    const api = apiClient(url);
    const soak = control
      ? await seedControl(url, receiver.url)
      : await seedWorld(api, dbs.db, receiver.url);
    const started = Date.now();
    const totalS = warmupS + durationS;
    const goneAt = started + (warmupS || durationS) * 1000 * GONE_AT;
    await receiver.ask("configure", { goneAt });
    const tallies = tally();
    const created = { a: new Map(), b: new Map(), updates: new Map() };
    const memory = [];
    const heapRetained = [];
    /** workerd's RSS once every isolate has collected its garbage (V8 collects lazily). */
    const rssAfterGc = [];
    /** Then what it is made of: the V8 cage, native memory, files (MiB), all isolates' heaps,
     * and with `--malloc-stats` tcmalloc's own figures. */
    const afterGc = [];
    const sampleHeap = async () => {
      const usage = await heap?.retained().catch(() => null);
      if (usage) heapRetained.push([round((Date.now() - started) / 1000), round(usage.used)]);
      const others = inspectorBase
        ? ((await collectEverywhere(mf, ["core:user:weft"], inspectorBase).catch(() => null)) ?? {})
        : {};
      const { rss } = procMemory(workerdPid);
      const at = round((Date.now() - started) / 1000);
      if (rss !== null) rssAfterGc.push([at, round(rss)]);
      const used = Object.values(others).reduce((sum, h) => sum + h.used, usage?.used ?? 0);
      const committed = Object.values(others).reduce((sum, h) => sum + h.total, usage?.total ?? 0);
      afterGc.push({
        at_s: at,
        rss: rss === null ? null : round(rss),
        ...memoryMap(workerdPid),
        isolates_used: round(used),
        isolates_committed: round(committed),
        malloc: mallocStatsToo ? mallocStats(workerdPid) : undefined,
      });
      return usage ? round(usage.used) : null;
    };
    await sampleHeap();
    const sample = () => {
      const { rss } = procMemory(workerdPid);
      memory.push([round((Date.now() - started) / 1000), rss === null ? null : round(rss)]);
    };
    sample();
    const memoryTimer = setInterval(sample, 5_000);
    let crons = 0;
    let cronFailures = 0;
    const cronTimer = setInterval(async () => {
      if (await cron(mf)) crons++;
      else cronFailures++;
    }, 60_000);
    const load = startLoad({ url, soak, tallies, created });
    log(
      `load for ${warmupS ? `${warmupS} s of warm-up + ` : ""}${durationS} s; the gone webhook answers 410 from ${round((goneAt - started) / 1000)} s`,
    );
    for (let minute = 1; Date.now() - started < totalS * 1000; minute++) {
      const end = Math.min(started + minute * 60_000, started + totalS * 1000);
      await sleep(Math.max(0, end - Date.now()));
      const { total } = await receiver.ask("count");
      const state = await backlog(dbs);
      const weftHeap = await sampleHeap();
      const m = afterGc.at(-1);
      log(
        `  ${round((Date.now() - started) / 1000)} s: Weft heap after a full GC ${weftHeap} MiB, created ${created.a.size} + ${created.b.size}, updated ${[...created.updates.values()].reduce((a, b) => a + b, 0)}, receiver ${total} requests, pending triggers ${state.pending_triggers}, due deliveries ${state.due_deliveries}, workerd RSS ${memory.at(-1)?.[1]} MiB (${m?.rss} after a full GC everywhere: V8 cage ${m?.v8_cage}, native ${m?.native}, files ${m?.files}; isolates' heaps ${m?.isolates_used} used, ${m?.isolates_committed} committed${m?.malloc ? `; tcmalloc ${m.malloc.in_use} in use, ${m.malloc.free} free, ${m.malloc.released} released` : ""})`,
      );
    }
    const { skipped, activations } = await load.stop();
    clearInterval(cronTimer);
    clearInterval(memoryTimer);
    sample();
    await sampleHeap();
    const loadEnded = Date.now();
    const memoryResult = {
      warmup_s: warmupS,
      ...memoryVerdict(memory, durationS, warmupS),
      weft_heap_after_gc_mib: heapRetained,
      after_gc: memoryVerdict(rssAfterGc, durationS, warmupS),
      after_gc_by_kind_mib: afterGc,
    };
    const run = {
      duration_s: durationS,
      warmup_s: warmupS,
      load_s: round((loadEnded - started) / 1000),
      load: tallies.summary(),
      skipped_ticks: skipped,
      activations,
      crons,
      cron_failures: cronFailures,
      memory: memoryResult,
    };
    if (control) {
      const { rows } = await receiver.ask("log", { from: 0 });
      const outcomes = {};
      for (const [, , outcome] of rows) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      return { control: true, ...run, receiver: { requests: rows.length, outcomes } };
    }
    log("load stopped; draining...");
    const drain = await drainAll(dbs, receiver, mf);
    log(`  drained in ${round(drain.ms / 1000)} s (${drain.reason})`);
    const result = await check({ dbs, receiver, soak, created, started });
    return { ...run, drain, ...result };
  } finally {
    heap?.close();
    await mf.dispose();
    receiver.stop();
  }
}

async function drainAll(dbs, receiver, mf) {
  const started = Date.now();
  let last = -1;
  let quietSince = Date.now();
  let lastCron = Date.now();
  while (Date.now() - started < MAX_DRAIN_MS) {
    const { total } = await receiver.ask("count");
    if (total !== last) {
      last = total;
      quietSince = Date.now();
    }
    const state = await backlog(dbs);
    if (
      state.pending_triggers === 0 &&
      state.due_deliveries === 0 &&
      Date.now() - quietSince >= QUIET_MS
    ) {
      return { ms: Date.now() - started, reason: "nothing due, receiver quiet", ...state };
    }
    if (Date.now() - lastCron >= 60_000) {
      await cron(mf);
      lastCron = Date.now();
    }
    await sleep(2_000);
  }
  // What is still due, and on which webhook (its state says whether it is paused).
  const { results: stillDue } = await dbs.log
    .prepare(
      "SELECT id, webhook_id, status, attempt_count, next_attempt_at, locked_until, updated_at FROM deliveries WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) LIMIT 20",
    )
    .bind(new Date(Date.now() + 30_000).toISOString())
    .all();
  const { results: hooks } = await dbs.db
    .prepare("SELECT id, enabled, state, paused_until, state_reason FROM webhooks")
    .all();
  return {
    ms: Date.now() - started,
    reason: "gave up",
    ...(await backlog(dbs)),
    still_due: stillDue,
    webhooks: hooks,
  };
}

/** All rows of a query, a page at a time (D1 answers are bounded in size). */
async function allRows(db, sql, key) {
  const rows = [];
  let after = "";
  while (true) {
    const { results } = await db
      .prepare(`${sql} WHERE ${key} > ? ORDER BY ${key} LIMIT 5000`)
      .bind(after)
      .all();
    rows.push(...results);
    if (results.length < 5000) return rows;
    after = results.at(-1)[key];
  }
}

/** Compares what the receiver got with what Weft logged, and both with what the load wrote. */
async function check({ dbs, receiver, soak, created, started }) {
  const { rows: requests } = await receiver.ask("log", { from: 0 });
  const deliveries = await allRows(
    dbs.log,
    "SELECT id, webhook_id, entity_uid, trigger, status, attempt_count, next_attempt_at, created_at FROM deliveries",
    "id",
  );
  const attempts = await allRows(
    dbs.log,
    "SELECT id, delivery_id, attempt, status_code, error FROM delivery_attempts",
    "id",
  );
  const { results: hooks } = await dbs.db
    .prepare("SELECT id, enabled, disabled_reason, updated_at FROM webhooks")
    .all();
  const { results: triggerStates } = await dbs.db
    .prepare("SELECT status, count(*) AS n FROM triggers GROUP BY status")
    .all();

  const now = new Date().toISOString();
  const w = soak.webhooks;
  const byPair = new Map();
  for (const d of deliveries) {
    const pair = `${d.webhook_id} ${d.entity_uid}`;
    byPair.set(pair, [...(byPair.get(pair) ?? []), d]);
  }
  const deliveryById = new Map(deliveries.map((d) => [d.id, d]));
  const rowsOf = (webhook, uid) => byPair.get(`${webhook} ${uid}`) ?? [];

  // The receiver's requests by delivery and attempt.
  const received = new Map();
  const okAnswers = new Map();
  for (const [id, attempt, outcome, at, entity, path] of requests) {
    received.set(`${id} ${attempt}`, { outcome, at, entity, path });
    if (outcome === "200") okAnswers.set(id, (okAnswers.get(id) ?? 0) + 1);
  }
  const goneRequest = requests.find(([, , outcome]) => outcome === "410");
  const goneAt = goneRequest ? goneRequest[3] : null;

  const lost = { no_delivery: 0, stuck: 0, failed: 0 };
  const duplicated = { webhook_id_answered_twice: 0, fanned_out_twice: 0, both_integrations: 0 };
  const scheduled = { pending_with_retry_later: 0 };
  /** One delivery that must end delivered (or be waiting for its next attempt). */
  const judge = (d) => {
    if (d.status === "delivered") return;
    if (d.status === "pending" && d.next_attempt_at && d.next_attempt_at > now) {
      scheduled.pending_with_retry_later++;
    } else if (d.status === "pending") lost.stuck++;
    else lost.failed++;
  };
  const expectOne = (webhook, uid) => {
    const rows = rowsOf(webhook, uid);
    if (rows.length === 0) lost.no_delivery++;
    if (rows.length > 1) duplicated.fanned_out_twice += rows.length - 1;
    for (const d of rows) judge(d);
  };
  for (const uid of created.a.keys()) expectOne(w.create, uid);
  for (const [uid, count] of created.updates) {
    const rows = rowsOf(w.update, uid);
    if (rows.length < count) lost.no_delivery += count - rows.length;
    if (rows.length > count) duplicated.fanned_out_twice += rows.length - count;
    for (const d of rows) judge(d);
  }
  for (const uid of created.b.keys()) {
    const rows = [...rowsOf(w.x, uid), ...rowsOf(w.y, uid)];
    if (rows.length === 0) lost.no_delivery++;
    if (rows.length > 1) duplicated.both_integrations += rows.length - 1;
    for (const d of rows) judge(d);
  }
  for (const count of okAnswers.values()) if (count > 1) duplicated.webhook_id_answered_twice++;

  // The gone webhook: disabled by the 410; nothing sent to it after, for a trigger created after.
  const goneHook = hooks.find((h) => h.id === w.gone);
  const goneRows = deliveries.filter((d) => d.webhook_id === w.gone);
  const sentAfter = requests.filter(
    ([, , , at, , path]) => goneAt !== null && path.startsWith("/soak/gone/") && at > goneAt,
  );
  const laterTriggersSent = sentAfter.filter(([, , , , entity]) => {
    const createdAt = created.a.get(entity);
    return createdAt !== undefined && createdAt > goneAt;
  }).length;
  const gone = {
    answered_410_at_s: goneAt === null ? null : round((goneAt - started) / 1000),
    webhook_enabled: goneHook ? Boolean(goneHook.enabled) : null,
    disabled_reason: goneHook?.disabled_reason ?? null,
    deliveries: goneRows.length,
    requests_after_410: sentAfter.length,
    later_triggers_sent: laterTriggersSent,
    created_before_410_without_delivery: [...created.a].filter(
      ([uid, at]) => goneAt !== null && at < goneAt - 5_000 && rowsOf(w.gone, uid).length === 0,
    ).length,
  };

  // The log against the receiver.
  const attemptKeys = new Set();
  const mismatch = {
    delivered_not_received: 0,
    received_not_logged: 0,
    received_unknown_delivery: 0,
    logged_otherwise: 0,
    logged_not_received: 0,
  };
  for (const a of attempts) {
    const key = `${a.delivery_id} ${a.attempt}`;
    attemptKeys.add(key);
    const seen = received.get(key);
    if (!seen) {
      // An attempt the receiver never saw must say it was not answered (an error, no status).
      if (a.status_code !== null) mismatch.logged_not_received++;
      continue;
    }
    const logged = a.status_code === null ? "timeout" : String(a.status_code);
    if (logged !== seen.outcome) mismatch.logged_otherwise++;
  }
  for (const [id, attempt] of requests) {
    if (!deliveryById.has(id)) mismatch.received_unknown_delivery++;
    else if (!attemptKeys.has(`${id} ${attempt}`)) mismatch.received_not_logged++;
  }
  for (const d of deliveries) {
    if (d.status === "delivered" && !okAnswers.has(d.id)) mismatch.delivered_not_received++;
  }

  const outcomes = {};
  for (const [, , outcome] of requests) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  const states = {};
  for (const d of deliveries) states[d.status] = (states[d.status] ?? 0) + 1;
  const attemptsPerDelivery = {};
  for (const d of deliveries) {
    attemptsPerDelivery[d.attempt_count] = (attemptsPerDelivery[d.attempt_count] ?? 0) + 1;
  }
  const unexpected = deliveries.filter(
    (d) => !created.a.has(d.entity_uid) && !created.b.has(d.entity_uid),
  ).length;
  return {
    created: {
      a: created.a.size,
      b: created.b.size,
      updates: [...created.updates.values()].reduce((a, b) => a + b, 0),
    },
    receiver: { requests: requests.length, outcomes },
    deliveries: {
      total: deliveries.length,
      states,
      attempts_per_delivery: attemptsPerDelivery,
      for_unknown_writes: unexpected,
    },
    triggers: Object.fromEntries(triggerStates.map((t) => [t.status, t.n])),
    attempts_logged: attempts.length,
    lost,
    lost_total: lost.no_delivery + lost.stuck + lost.failed,
    duplicated,
    duplicated_total:
      duplicated.webhook_id_answered_twice +
      duplicated.fanned_out_twice +
      duplicated.both_integrations,
    scheduled,
    log_vs_receiver: mismatch,
    log_consistent: Object.values(mismatch).every((n) => n === 0),
    gone,
  };
}

/**
 * Minute two's mean RSS against the last minute's (a short run: its second and last fifths), in
 * the measured minutes, which start after `warmupS` of load.
 */
function memoryVerdict(samples, durationS, warmupS = 0) {
  const long = durationS >= 180;
  const w = warmupS;
  const window = long ? [w + 60, w + 120] : [w + durationS * 0.2, w + durationS * 0.4];
  const last = long
    ? [w + durationS - 60, w + durationS + 1]
    : [w + durationS * 0.8, w + durationS + 1];
  const mean = ([from, to]) => {
    const values = samples.filter(([t, v]) => t >= from && t < to && v !== null).map(([, v]) => v);
    return values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : null;
  };
  const early = mean(window);
  const end = mean(last);
  const ratio = early && end ? round(end / early, 3) : null;
  return {
    // Under 3 minutes there is no "minute two" to compare with (workerd is still warming up):
    // the figures are printed, not judged.
    judged: long,
    minute_two_mib: early,
    end_mib: end,
    windows_s: { early: window, end: last },
    ratio,
    flat: !long || (ratio !== null && Math.abs(ratio - 1) <= MEMORY_TOLERANCE),
    samples,
  };
}

/** The soak's report, line by line. */
export function soakReport(r) {
  const lines = [];
  lines.push(
    r.control
      ? `control soak (bench/soak-control-worker.mjs, no Weft): ${r.load_s} s of load; ${r.crons} cron runs`
      : `soak: ${r.load_s} s of load, drained in ${round(r.drain.ms / 1000)} s (${r.drain.reason}); ${r.crons} cron runs${r.cron_failures ? `, ${r.cron_failures} failed` : ""}`,
  );
  if (r.drain?.still_due?.length) {
    lines.push(`  still due when the drain gave up: ${JSON.stringify(r.drain.still_due)}`);
    lines.push(`  webhooks: ${JSON.stringify(r.drain.webhooks)}`);
  }
  for (const [kind, t] of Object.entries(r.load)) {
    const statuses = Object.entries(t.statuses)
      .map(([status, n]) => `${status} x${n}`)
      .join(", ");
    lines.push(
      `  ${kind}: ${t.requests} requests (${statuses}${t.errors ? `, errors ${t.errors} ${JSON.stringify(t.error_messages)}` : ""}), p50 ${t.p50_ms} ms, p99 ${t.p99_ms} ms`,
    );
  }
  lines.push(
    `  activations: ${r.activations.count} (chain broken ${r.activations.broken}, failed ${r.activations.failed}); ticks skipped at ${MAX_IN_FLIGHT} in flight: ${r.skipped_ticks}`,
  );
  const verdict = (ok) => (ok ? "met" : "MISSED");
  if (r.control) {
    lines.push(
      `  receiver: ${r.receiver.requests} requests ${JSON.stringify(r.receiver.outcomes)}`,
    );
    return [...lines, ...memoryLines(r.memory, verdict)].join("\n");
  }
  lines.push(
    `  written: ${r.created.a} + ${r.created.b} attendees created, ${r.created.updates} updates; triggers ${JSON.stringify(r.triggers)}`,
  );
  lines.push(
    `  receiver: ${r.receiver.requests} requests ${JSON.stringify(r.receiver.outcomes)}; deliveries ${r.deliveries.total} ${JSON.stringify(r.deliveries.states)}, attempts per delivery ${JSON.stringify(r.deliveries.attempts_per_delivery)}; ${r.attempts_logged} attempts logged`,
  );
  lines.push(
    `  lost: ${r.lost_total} ${JSON.stringify(r.lost)} (${verdict(r.lost_total === 0)}); waiting for a later retry: ${r.scheduled.pending_with_retry_later}`,
  );
  lines.push(
    `  duplicated: ${r.duplicated_total} ${JSON.stringify(r.duplicated)} (${verdict(r.duplicated_total === 0)})`,
  );
  lines.push(
    `  log vs receiver: ${JSON.stringify(r.log_vs_receiver)} (${verdict(r.log_consistent)})`,
  );
  const g = r.gone;
  const goneOk =
    g.webhook_enabled === false && g.disabled_reason === "gone" && g.later_triggers_sent === 0;
  lines.push(
    `  410: webhook enabled=${g.webhook_enabled} (${g.disabled_reason}); requests after the 410: ${g.requests_after_410}, for triggers created after it: ${g.later_triggers_sent} (${verdict(goneOk)})`,
  );
  return [...lines, ...memoryLines(r.memory, verdict)].join("\n");
}

/** The memory figures of a run, by minute. */
function memoryLines(m, verdict) {
  const lines = [];
  if (m.warmup_s) {
    lines.push(
      `  memory is judged on the ${round((m.windows_s.end[1] - 1 - m.warmup_s) / 60)} minutes after ${m.warmup_s} s of warm-up (minute two: ${m.windows_s.early[0]}-${m.windows_s.early[1]} s of load)`,
    );
  }
  lines.push(
    `  memory: workerd RSS minute two ${m.minute_two_mib} MiB, end ${m.end_mib} MiB, ratio ${m.ratio} (within ${MEMORY_TOLERANCE * 100} %: ${m.judged ? verdict(m.flat) : "not judged under 180 s"})`,
  );
  const perMinute = m.samples.filter(([t]) => t % 60 < 5).map(([t, v]) => `${round(t / 60)}m ${v}`);
  lines.push(`  RSS by minute: ${perMinute.join(", ")}`);
  if (m.after_gc?.samples.length) {
    const g = m.after_gc;
    lines.push(
      `  memory after a full GC in every isolate: workerd RSS minute two ${g.minute_two_mib} MiB, end ${g.end_mib} MiB, ratio ${g.ratio} (within ${MEMORY_TOLERANCE * 100} %: ${g.judged ? verdict(g.flat) : "not judged under 180 s"})`,
    );
    lines.push(
      `  RSS after GC by minute: ${g.samples.map(([t, v]) => `${round(t / 60)}m ${v}`).join(", ")}`,
    );
  }
  if (m.after_gc_by_kind_mib?.length) {
    lines.push(
      `  after GC, by minute: V8 cage / native / files (isolates' heaps used, committed${m.after_gc_by_kind_mib.some((k) => k.malloc) ? "; tcmalloc in use, free" : ""}) MiB: ${m.after_gc_by_kind_mib
        .map(
          (k) =>
            `${round(k.at_s / 60)}m ${k.v8_cage}/${k.native}/${k.files} (${k.isolates_used}, ${k.isolates_committed}${k.malloc ? `; ${k.malloc.in_use}, ${k.malloc.free}` : ""})`,
        )
        .join(", ")}`,
    );
  }
  if (m.weft_heap_after_gc_mib?.length) {
    lines.push(
      `  Weft's JS heap after a full GC, by minute: ${m.weft_heap_after_gc_mib.map(([t, v]) => `${round(t / 60)}m ${v}`).join(", ")} MiB`,
    );
  }
  return lines;
}
