// Scenario 7: latency as a client far from the database feels it. Scenario 1's reads (an
// integration key with a mapping: page 1 of 10,000 attendees, one event) and scenario 2's
// POST /v1/attendees run on a second stack whose D1 bindings wait a round-trip time (RTT) before
// each round trip (bench/lib/d1-rtt.mjs, wrapped around the built bundle by the benchmark's own
// entry module). Load is paced (open loop, evenly spaced) well under what the machine sustains,
// so p50 is the latency of a request, not of a queue. The baselines wait the same RTT: the read that checks its key makes two
// sequential queries, the write one batch.
import { paced, round, settings, sleep } from "../lib/measure.mjs";
import { apiClient, createAccount } from "../lib/seed.mjs";
import { migrate, setRtt, startStack } from "../lib/stack.mjs";
import { eventOfSize } from "./reads.mjs";
import { setupWrites } from "./writes.mjs";

/** Requests per second of each paced run: a few per cent of one core. */
export const LATENCY_RATE = 20;
/** Issue 13: a read's p50 within 1 x RTT + 15 ms, a create's within 1 x RTT + 20 ms. */
const ALLOWANCE_MS = { read: 15, create: 20 };

/** A Weft stack with D1 far away, seeded like scenarios 1 and 2. */
async function startFarStack(ctx) {
  const { mf, url, workerdPid } = await startStack({
    bundlePath: ctx.bundlePath,
    receiverUrl: ctx.receiver.url,
    rtt: true,
  });
  await migrate(mf);
  const db = await mf.getD1Database("DB", "weft");
  const api = apiClient(url);
  const world = await createAccount(api);
  const far = {
    ...ctx,
    mf,
    url,
    db,
    api,
    world,
    workerdPid,
    reads: undefined,
    profiled: (_, f) => f(),
  };
  const eventUid = await eventOfSize(far, ctx.sizes.reads);
  far.writes = await setupWrites(far);
  far.readEventUid = eventUid;
  return far;
}

/** The operations, each with Weft's request and the baseline's. */
function operations(far) {
  const auth = { authorization: `Bearer ${far.reads.key}` };
  const { eventUid, profileUid } = far.writes;
  const fields = (n) => ({ email: `far${Date.now()}-${n}@example.com`, firstname: "Far" });
  return [
    {
      op: "GET /v1/attendees page_size=50 (integration key)",
      kind: "read",
      weft: { path: `/v1/attendees?event_uid=${far.readEventUid}&page_size=50`, headers: auth },
      baseline: { path: `/__baseline/attendees?event_id=${far.readEventUid}`, headers: auth },
    },
    {
      op: "GET /v1/events/{uid} (integration key)",
      kind: "read",
      weft: { path: `/v1/events/${far.readEventUid}`, headers: auth },
      baseline: { path: `/__baseline/events/${far.readEventUid}`, headers: auth },
    },
    {
      op: "POST /v1/attendees (admin key, 1 webhook)",
      kind: "create",
      weft: {
        path: "/v1/attendees",
        method: "POST",
        headers: { authorization: `Bearer ${far.world.adminKey}` },
        bodyFor: (n) => ({ event_uid: eventUid, fields: fields(n) }),
      },
      baseline: {
        path: "/__baseline/attendees",
        method: "POST",
        bodyFor: (n) => ({
          account_id: far.world.accountId,
          event_id: eventUid,
          profile_id: profileUid,
          fields: fields(`b${n}`),
        }),
      },
    },
  ];
}

/** Waits until neither worker has made a D1 round trip for 2 s (the consumer drained). */
async function idle(far) {
  const trips = async () => {
    const { weft, baseline } = await setRtt(far.url, {});
    return weft.stats.round_trips + baseline.stats.round_trips;
  };
  const until = Date.now() + 120_000;
  let last = await trips();
  while (Date.now() < until) {
    await sleep(2000);
    const now = await trips();
    if (now === last) return;
    last = now;
  }
}

/**
 * One request alone, the second of two (the first of a key in an isolate looks the key up
 * first): the D1 round trips on its response path, counted per request (bench/lib/d1-rtt.mjs).
 * Not the total over the probe: the first request's work after its response (its key's
 * last_used_at stamp, once a minute per key) can start after the counters were reset, and at
 * 150 ms it did, counting a third round trip that no response waited for.
 */
async function roundTrips(far, side, worker) {
  await idle(far);
  await probe(far, side, "probe-1");
  await setRtt(far.url, { reset: true });
  const sent = Date.now();
  await probe(far, side, "probe-2");
  const answered = Date.now();
  const { stats } = (await setRtt(far.url, {}))[worker];
  return {
    round_trips: stats.response_path.round_trips,
    on_primary: stats.response_path.paying_rtt,
    // Counted meanwhile but not waited for: waitUntil work, the consumer, Durable Objects.
    after_response: stats.after_response.round_trips,
    outside_requests: stats.outside_requests.round_trips,
    answered_ms: answered - sent,
    // Each round trip, ms from the probe's send (workerd's clock moves only between I/O).
    trips: stats.trips.map((t) => ({ ...t, at: t.at - sent })),
  };
}

async function probe(far, side, name) {
  const body = side.bodyFor?.(name);
  const res = await fetch(far.url + side.path, {
    method: side.method ?? "GET",
    headers: { ...(side.headers ?? {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  await res.text();
  if (!res.ok) throw new Error(`${side.path} answered ${res.status}`);
}

async function measureSide(far, side, worker) {
  const trips = await roundTrips(far, side, worker);
  const result = await paced({
    url: far.url + side.path,
    method: side.method,
    headers: side.headers,
    bodyFor: side.bodyFor,
    rate: LATENCY_RATE,
    warmup: Math.min(settings.warmup, 1),
    workerdPid: far.workerdPid,
  });
  return { ...result, ...trips };
}

/**
 * Every operation at every RTT, placed "far" (every round trip pays the RTT) and, for RTTs above
 * zero, "replica" (a read replica next to the Worker: only primary round trips pay it; the
 * baselines, which query the binding without a session, go to the primary either way and are
 * measured in "far" only).
 */
export async function measureLatency(
  ctx,
  { rtts = [0, 30, 150], placements = ["far", "replica"] },
) {
  const far = await startFarStack(ctx);
  ctx.log(`  far stack on ${far.url} (workerd pid ${far.workerdPid}), seeded`);
  const ops = operations(far);
  const rows = [];
  try {
    for (const placement of placements) {
      for (const rtt of rtts) {
        if (placement === "replica" && rtt === 0) continue;
        await setRtt(far.url, { rtt_ms: rtt, placement, reset: true });
        for (const op of ops) {
          await far.receiver.ask("reset");
          const weft = await measureSide(far, op.weft, "weft");
          const baseline =
            placement === "far" ? await measureSide(far, op.baseline, "baseline") : null;
          const target = rtt + ALLOWANCE_MS[op.kind];
          rows.push({
            name: `${op.op}, RTT ${rtt} ms, ${placement}`,
            latency: {
              op: op.op,
              kind: op.kind,
              rtt_ms: rtt,
              placement,
              rate: LATENCY_RATE,
              target_p50_ms: target,
              met: weft.p50_ms <= target,
            },
            weft,
            baseline,
          });
        }
      }
    }
  } finally {
    await far.mf.dispose();
  }
  return rows;
}

/** The line run.mjs prints for a latency row. */
export function latencyLine(row) {
  const { latency: l, weft: w, baseline: b } = row;
  const base = b
    ? `; baseline p50 ${b.p50_ms} / p99 ${b.p99_ms} ms (${b.round_trips} round trips)`
    : "";
  const errors = w.non2xx || w.errors ? `; non-2xx ${w.non2xx}, errors ${w.errors}` : "";
  return `  RTT ${l.rtt_ms} ms ${l.placement}, ${l.op}: p50 ${w.p50_ms} ms, p99 ${w.p99_ms} ms (target p50 <= ${l.target_p50_ms} ms: ${l.met ? "met" : "MISSED"}); ${w.round_trips} round trips, ${w.on_primary} to the primary${w.after_response ? ` (+${w.after_response} after the response)` : ""}; ${round(w.rps)} req/s${base}${errors}`;
}
