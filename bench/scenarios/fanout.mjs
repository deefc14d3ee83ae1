// Scenario 3 (and 4, fan-out): a burst of N guest.create triggers, each fanned out to the 3
// webhooks of the active integration. The outbox rows are written straight into D1, as
// POST /v1/attendees writes them, and their messages put on the TRIGGERS queue from Node, so the
// burst is the consumer's work alone. Counted at the receiver by webhook-id until all 3N arrive.
// The baseline queue carries N messages whose consumer does 3 plain fetches each.
import { round, sampleMemory, sleep } from "../lib/measure.mjs";
import {
  activate,
  createEvent,
  createIntegration,
  createProfile,
  createWebhook,
  seedTriggers,
} from "../lib/seed.mjs";
import { target } from "./reads.mjs";

const WEBHOOKS = 3;
/** Give up when no new webhook arrived for this long. */
const STALL_MS = 30_000;
const SEND_BATCH = 100;
/** Messages sent and not yet delivered, at most (Miniflare's queue holds 10,000). */
const MAX_PENDING = 8_000;

async function setup(ctx) {
  if (ctx.fanout) return ctx.fanout;
  const { api, world, receiver } = ctx;
  const key = world.adminKey;
  const profileUid = await createProfile(api, key, "Fan-out");
  const eventUid = await createEvent(api, key, profileUid, "Fan-out");
  const integrationId = await createIntegration(api, key, [profileUid]);
  for (const name of ["a", "b", "c"]) {
    await createWebhook(api, key, integrationId, {
      name: `Hook ${name}`,
      trigger: "guest.create",
      url: `${receiver.url}/s3/${name}`,
    });
  }
  await activate(api, key, profileUid, integrationId);
  ctx.fanout = { profileUid, eventUid, runs: 0 };
  return ctx.fanout;
}

/**
 * Sends the messages, then waits for `expected` webhooks at the receiver; `cron` (Weft's) runs
 * every minute meanwhile, as deployed: its sweeper re-sends the messages of triggers still pending
 * after a minute and wakes endpoints with overdue deliveries (counted in `sweeps`).
 */
async function burst(ctx, { queue, messages, expected, cron }) {
  await ctx.receiver.ask("reset");
  const memory = sampleMemory(ctx.workerdPid);
  const started = Date.now();
  // At most MAX_PENDING messages unconsumed at once (measured by what the receiver got): past
  // 10,000 Miniflare's queue refuses messages and stays broken for the rest of the process.
  const perMessage = expected / messages.length;
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    while (i - (await ctx.receiver.ask("count")).unique / perMessage > MAX_PENDING) await sleep(50);
    await queue.sendBatch(messages.slice(i, i + SEND_BATCH).map((body) => ({ body })));
  }
  const enqueuedMs = Date.now() - started;
  let last = -1;
  let lastChange = Date.now();
  let lastReport = Date.now();
  let sweeps = 0;
  while (Date.now() - lastChange < STALL_MS) {
    if (cron && Date.now() - started >= (sweeps + 1) * 60_000) {
      sweeps++;
      await cron();
    }
    const { unique } = await ctx.receiver.ask("count");
    if (unique >= expected) break;
    if (Date.now() - lastReport >= 15_000) {
      lastReport = Date.now();
      ctx.log(`    ${unique}/${expected} received after ${round((lastReport - started) / 1000)} s`);
    }
    if (unique !== last) {
      last = unique;
      lastChange = Date.now();
    }
    await sleep(100);
  }
  const { workerd_cpu_ms, ...peaks } = memory.stop();
  const dump = await ctx.receiver.ask("dump");
  // A webhook-id is a delivery: the same (entity, webhook URL) under two ids is a double fan-out.
  const pairs = new Set(dump.rows.map(([, , , entity, path]) => `${entity} ${path}`));
  const elapsed = (dump.lastAt || Date.now()) - started;
  // Receipts per second since the first send: shows a steady rate apart from stalls.
  const timeline = Array.from({ length: Math.ceil(elapsed / 1000) }, () => 0);
  for (const [, , at] of dump.rows) timeline[Math.floor((at - started) / 1000)]++;
  return {
    expected,
    received: dump.unique,
    lost: Math.max(0, expected - dump.unique),
    duplicated: dump.duplicated + (dump.unique - pairs.size),
    deliveries_per_s: elapsed > 0 ? round((dump.unique / elapsed) * 1000) : null,
    total_ms: elapsed,
    per_second: timeline,
    sweeps,
    enqueue_ms: enqueuedMs,
    cpu_ms_per_delivery:
      workerd_cpu_ms === null || dump.unique === 0 ? null : round(workerd_cpu_ms / dump.unique, 2),
    ...peaks,
  };
}

/** Issue 13: fan-out deliveries per second against the baseline consumer's. */
const FANOUT_TARGET = 0.25;

export async function measureFanout(ctx, triggers) {
  const fanout = await setup(ctx);
  const run = fanout.runs++;

  const baselineQueue = await ctx.mf.getQueueProducer("BASELINE_QUEUE", "baseline");
  const baseline = await burst(ctx, {
    queue: baselineQueue,
    messages: Array.from({ length: triggers }, (_, n) => ({
      id: `b3_${run}_${n}`,
      entity: `gst_b3_${run}_${n}`,
      fanout: WEBHOOKS,
    })),
    expected: triggers * WEBHOOKS,
  });

  const seeded = Date.now();
  const ids = await seedTriggers(ctx.db, {
    accountId: ctx.world.accountId,
    eventUid: fanout.eventUid,
    profileUid: fanout.profileUid,
    count: triggers,
    tag: `f${run}x`,
  });
  ctx.log(`  wrote ${triggers} outbox rows in ${Date.now() - seeded} ms`);
  const weftQueue = await ctx.mf.getQueueProducer("TRIGGERS", "weft");
  const weft = await ctx.profiled(`fanout-${triggers}`, () =>
    burst(ctx, {
      queue: weftQueue,
      messages: ids.map((triggerId) => ({ type: "trigger", triggerId })),
      expected: triggers * WEBHOOKS,
      cron: async () => (await ctx.mf.getWorker("weft")).scheduled({ cron: "* * * * *" }),
    }),
  );
  weft.delivery_rows = await deliveryStates(ctx.db, fanout.eventUid);

  const ratio = baseline.deliveries_per_s
    ? round(weft.deliveries_per_s / baseline.deliveries_per_s, 2)
    : null;
  return {
    name: `${triggers.toLocaleString("en")} triggers x ${WEBHOOKS} webhooks`,
    size: triggers,
    weft,
    baseline,
    ratio,
    // Issue 13: at least a quarter of the baseline consumer's deliveries per second, none lost
    // or doubled.
    targets: [
      target(`deliveries/s >= ${FANOUT_TARGET}x the baseline consumer`, ratio, FANOUT_TARGET),
      target("lost", weft.lost, 0, false),
      target("duplicated", weft.duplicated, 0, false),
    ],
  };
}

/** Deliveries of the fan-out event by status, and their attempts by number (cumulative). */
async function deliveryStates(db, eventUid) {
  const [states, attempts] = await db.batch([
    db
      .prepare("SELECT status, count(*) AS n FROM deliveries WHERE event_uid = ? GROUP BY status")
      .bind(eventUid),
    db
      .prepare(
        `SELECT 'attempt ' || a.attempt || ' ' || coalesce(a.status_code, a.error) AS k, count(*) AS n
         FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE d.event_uid = ? GROUP BY 1`,
      )
      .bind(eventUid),
  ]);
  return Object.fromEntries(
    [...states.results, ...attempts.results].map((r) => [r.k ?? r.status, r.n]),
  );
}
