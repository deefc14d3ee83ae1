// The figures docs/SCALE.md is built on (issue 13): `npm run bench -- --scale`.
// - D1 writes per operation: the Worker runs behind bench/lib/d1-rtt.mjs at 0 ms, which counts
//   round trips, write statements and the rows D1 says they wrote (indexes included), per binding
//   (DB, DELIVERIES_DB) and per table, for everything the operation causes: the request, the queue
//   consumer's fan-out, the endpoint's claim and its record of the answer. Each kind of operation
//   runs twice: one at a time (each waits for its webhooks, so nothing is shared with another:
//   the worst case) and in a burst (10 at once, so the consumer's and the endpoints' batches fill:
//   what a busy account pays).
// - Bytes per row: D1 is persisted to a temporary folder, and after the run sqlite's dbstat gives
//   each table's pages and its indexes' pages; divided by the table's rows.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { round, sleep } from "../lib/measure.mjs";
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
} from "../lib/seed.mjs";
import { migrate, startReceiver, startStack } from "../lib/stack.mjs";

const BURST = 300;
const ALONE = 10;
const CONCURRENCY = 10;

async function stats(url, reset = false) {
  const res = await fetch(`${url}/__bench/d1`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rtt_ms: 0, reset }),
  });
  return (await res.json()).stats;
}

/** Waits until the receiver has `expected` webhooks and D1 has been still for 2 s. */
async function settle(url, receiver, expected) {
  const started = Date.now();
  let last = null;
  let stillSince = Date.now();
  while (Date.now() - started < 120_000) {
    const { unique } = await receiver.ask("count");
    const { round_trips } = await stats(url);
    if (round_trips !== last) {
      last = round_trips;
      stillSince = Date.now();
    }
    if (unique >= expected && Date.now() - stillSince >= 2_000) return true;
    await sleep(250);
  }
  return false;
}

/** Runs `count` operations, `concurrency` at a time, and returns what D1 saw per operation. */
async function measure(ctx, name, { count, concurrency, webhooks, op }) {
  const { url, receiver } = ctx;
  await receiver.ask("reset");
  await stats(url, true);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await op(i);
      // One at a time: each operation's webhooks arrive before the next starts.
      if (concurrency === 1 && webhooks) await settle(url, receiver, (i + 1) * webhooks);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const settled = await settle(url, receiver, count * webhooks);
  const s = await stats(url);
  const per = (value) => round(value / count, 2);
  return {
    name,
    count,
    concurrency,
    webhooks_per_operation: webhooks,
    settled,
    received: (await receiver.ask("count")).unique,
    per_operation: {
      round_trips: per(s.round_trips),
      statements: per(s.statements),
      write_statements: per(s.write_statements),
      rows_written: per(s.rows_written),
      rows_read: per(s.rows_read),
    },
    bindings: Object.fromEntries(
      Object.entries(s.bindings).map(([binding, b]) => [
        binding,
        {
          round_trips: per(b.round_trips),
          statements: per(b.statements),
          write_statements: per(b.write_statements),
          rows_written: per(b.rows_written),
          duration_ms: per(b.duration_ms),
        },
      ]),
    ),
    tables: Object.fromEntries(
      Object.entries(s.tables).map(([table, t]) => [
        table,
        { write_statements: per(t.write_statements), rows_written: per(t.rows_written) },
      ]),
    ),
  };
}

/** Pages of each table and of its indexes, from sqlite's dbstat, and its rows. */
function bytesPerRow(dir) {
  const files = [];
  const walk = (path) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith(".sqlite")) files.push(full);
    }
  };
  walk(dir);
  // The D1 database is the one with Weft's tables (Durable Objects keep their own files).
  const sqlite = (file, sql) =>
    JSON.parse(
      execFileSync("sqlite3", ["-json", "-readonly", file, sql], { encoding: "utf8" }) || "[]",
    );
  const file = files.find(
    (f) => sqlite(f, "SELECT name FROM sqlite_schema WHERE name = 'attendees'").length,
  );
  if (!file) return { error: `no D1 file with the attendees table among ${files.length}` };
  const objects = sqlite(
    file,
    "SELECT s.tbl_name AS tbl, s.name AS name, s.type AS type, SUM(d.pgsize) AS bytes, SUM(d.payload) AS payload FROM dbstat d JOIN sqlite_schema s ON s.name = d.name GROUP BY s.name",
  );
  const tables = {};
  for (const o of objects) {
    if (o.tbl.startsWith("sqlite_") || o.tbl.startsWith("_cf_") || o.tbl.startsWith("d1_"))
      continue;
    tables[o.tbl] ??= { rows: 0, table_bytes: 0, index_bytes: 0, payload_bytes: 0, indexes: 0 };
    const t = tables[o.tbl];
    if (o.type === "table") {
      t.table_bytes += o.bytes;
      t.payload_bytes += o.payload;
    } else {
      t.index_bytes += o.bytes;
      t.indexes++;
    }
  }
  for (const [table, t] of Object.entries(tables)) {
    t.rows = sqlite(file, `SELECT count(*) AS n FROM "${table}"`)[0].n;
    t.bytes_per_row = t.rows ? round((t.table_bytes + t.index_bytes) / t.rows) : null;
    t.payload_per_row = t.rows ? round(t.payload_bytes / t.rows) : null;
  }
  return { file_bytes: statSync(file).size, tables };
}

export async function runScale({ bundlePath, log }) {
  const dir = mkdtempSync(join(tmpdir(), "weft-scale-"));
  const receiver = await startReceiver();
  const { mf, url } = await startStack({
    bundlePath,
    receiverUrl: receiver.url,
    withBaseline: false,
    rtt: true,
    persistTo: dir,
  });
  const ctx = { url, receiver };
  const rows = [];
  try {
    await migrate(mf);
    const api = apiClient(url);
    const { adminKey: key } = await createAccount(api);
    const hook = (integration, n, trigger, path) =>
      createWebhook(api, key, integration, {
        name: `Scale ${n}`,
        trigger,
        url: `${receiver.url}${path}`,
      });
    // P0: no active integration; P1: one guest.create webhook; P3: three, and one guest.update.
    const profile = async (name, webhooks) => {
      const uid = await createProfile(api, key, name);
      const event = await createEvent(api, key, uid, name);
      const integration = await createIntegration(api, key, [uid], BENCH_MAPPING);
      for (let n = 0; n < webhooks; n++) {
        await hook(integration, n, "guest.create", `/scale/${name}/create/${n}`);
      }
      if (webhooks > 1) await hook(integration, "u", "guest.update", `/scale/${name}/update`);
      if (webhooks > 0) await activate(api, key, uid, integration);
      return { uid, event, integration };
    };
    const p0 = await profile("p0", 0);
    const p1 = await profile("p1", 1);
    const p3 = await profile("p3", 3);
    const other = await createIntegration(api, key, [p0.uid]);
    const readKey = await createIntegrationKey(api, key, p3.integration);
    const created = [];
    let n = 0;
    const post = (event) => async () => {
      const i = n++;
      const data = await api("POST", "/v1/attendees", {
        key,
        body: {
          event_uid: event,
          fields: { email: `scale${i}@example.com`, firstname: "Scale", lastname: `Guest${i}` },
        },
      });
      if (event === p3.event) created.push(data.uid);
    };
    const plan = [
      [
        "GET /v1/attendees (integration key)",
        0,
        () => api("GET", `/v1/attendees?event_uid=${p3.event}&page_size=50`, { key: readKey }),
      ],
      ["POST /v1/attendees, no webhook", 0, post(p0.event)],
      ["POST /v1/attendees, 1 webhook", 1, post(p1.event)],
      ["POST /v1/attendees, 3 webhooks", 3, post(p3.event)],
      [
        "PATCH /v1/attendees/{uid}, 1 webhook",
        1,
        (i) =>
          api("PATCH", `/v1/attendees/${created[i % created.length]}`, {
            key,
            body: { fields: { lastname: `Patched${i}` } },
          }),
      ],
    ];
    for (const [name, webhooks, op] of plan) {
      for (const [count, concurrency] of [
        [ALONE, 1],
        [BURST, CONCURRENCY],
      ]) {
        // Reads first need rows: the GET runs after the POSTs' first pass.
        const row = await measure(ctx, name, { count, concurrency, webhooks, op });
        log(
          `  ${name} (${concurrency === 1 ? "one at a time" : `burst of ${count}, ${concurrency} at once`}): ${JSON.stringify(row.per_operation)} ${JSON.stringify(row.bindings)}`,
        );
        rows.push(row);
      }
    }
    // Activation: PROFILE_LOCK's own storage is not D1; what reaches D1 is counted.
    rows.push(
      await measure(ctx, "PUT /v1/profiles/{uid}/integration", {
        count: 10,
        concurrency: 1,
        webhooks: 0,
        op: (i) => activate(api, key, p0.uid, i % 2 ? p0.integration : other),
      }),
    );
    const worker = await mf.getWorker("weft");
    rows.push(
      await measure(ctx, "cron (sweeper and retention), nothing due", {
        count: 3,
        concurrency: 1,
        webhooks: 0,
        op: () => worker.scheduled({ cron: "* * * * *" }),
      }),
    );
    for (const row of rows.slice(-2)) {
      log(`  ${row.name}: ${JSON.stringify(row.per_operation)} ${JSON.stringify(row.bindings)}`);
    }
  } finally {
    await mf.dispose();
    receiver.stop();
  }
  const bytes = bytesPerRow(dir);
  rmSync(dir, { recursive: true, force: true });
  for (const [table, t] of Object.entries(bytes.tables ?? {})) {
    if (t.rows) {
      log(
        `  ${table}: ${t.rows} rows, ${t.bytes_per_row} bytes a row (${t.payload_per_row} payload; ${t.indexes} indexes, ${t.index_bytes} of ${t.table_bytes + t.index_bytes} bytes)`,
      );
    }
  }
  return { operations: rows, storage: bytes };
}
