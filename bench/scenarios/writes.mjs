// Scenario 2: POST /v1/attendees on a profile whose active integration has one guest.create
// webhook. API throughput, and for every created attendee the time from its creation to the
// receipt of its webhook. The baseline writes the same rows in one D1 batch, queues one message,
// and its consumer does one plain fetch.
import { load, percentile, round, settings, sleep } from "../lib/measure.mjs";
import {
  activate,
  createEvent,
  createIntegration,
  createProfile,
  createWebhook,
} from "../lib/seed.mjs";
import { target } from "./reads.mjs";

/**
 * The paced run's rate: well under what the consumer sustains here (~200 deliveries/s), so that
 * POST-to-receipt measures latency and not the backlog that an open-throttle run builds.
 */
export const PACED_RATE = 50;
/** Issue 13: POST /v1/attendees at least 0.6x its baseline's req/s. */
export const WRITE_TARGET = 0.6;
/** How long to wait for the last webhooks after the load ends. */
const DRAIN_TIMEOUT_MS = 60_000;

export async function setupWrites(ctx) {
  const { api, world, receiver } = ctx;
  const key = world.adminKey;
  const profileUid = await createProfile(api, key, "Writes");
  const eventUid = await createEvent(api, key, profileUid, "Writes");
  const integrationId = await createIntegration(api, key, [profileUid]);
  await createWebhook(api, key, integrationId, {
    name: "Guests",
    trigger: "guest.create",
    url: `${receiver.url}/s2/guests`,
  });
  await activate(api, key, profileUid, integrationId);
  return { profileUid, eventUid };
}

/**
 * autocannon with a different guest per request; every 201 is remembered as
 * uid -> creation time (the `created_at` the Worker stamped while handling the POST).
 */
async function postLoad(ctx, { path, headers, bodyFor, overallRate }) {
  const created = new Map();
  let n = 0;
  const result = await load({
    url: ctx.url,
    workerdPid: ctx.workerdPid,
    overallRate,
    requests: [
      {
        method: "POST",
        path,
        headers: { "content-type": "application/json", ...headers },
        setupRequest(request) {
          n++;
          return { ...request, body: JSON.stringify(bodyFor(n)) };
        },
        onResponse(status, body) {
          if (status !== 201) return;
          const { data } = JSON.parse(body);
          created.set(data.uid, Date.parse(data.created_at));
        },
      },
    ],
  });
  return { result, created };
}

/**
 * Waits until the receiver holds a webhook for every created entity (or nothing new came for
 * DRAIN_TIMEOUT_MS). Requests in flight when autocannon stops may create attendees whose answer
 * it drops: their webhooks arrive too, so the count of ids alone cannot tell when to stop.
 */
async function drain(ctx, created) {
  const started = Date.now();
  let dump;
  let firstReceipt;
  let last = -1;
  let lastChange = Date.now();
  while (true) {
    dump = await ctx.receiver.ask("dump");
    firstReceipt = new Map();
    for (const [, , at, entity] of dump.rows) {
      if (entity && created.has(entity) && !firstReceipt.has(entity)) firstReceipt.set(entity, at);
    }
    if (firstReceipt.size >= created.size) break;
    if (firstReceipt.size !== last) {
      last = firstReceipt.size;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > DRAIN_TIMEOUT_MS) break;
    await sleep(250);
  }
  const lags = [];
  for (const [uid, createdAt] of created) {
    const at = firstReceipt.get(uid);
    if (at !== undefined) lags.push(at - createdAt);
  }
  lags.sort((a, b) => a - b);
  return {
    created: created.size,
    received: firstReceipt.size,
    lost: created.size - firstReceipt.size,
    duplicated: dump.duplicated,
    receipt_p50_ms: percentile(lags, 50),
    receipt_p99_ms: percentile(lags, 99),
    receipt_max_ms: lags.at(-1) ?? null,
    drain_ms: Date.now() - started,
  };
}

/** One run of Weft and one of the baseline, open-throttle or paced at `overallRate` req/s. */
async function measureRun(ctx, { eventUid, profileUid }, overallRate) {
  const fields = (n) => ({
    email: `post${n}@example.com`,
    firstname: `Post${n}`,
    lastname: "Bench",
  });

  await ctx.receiver.ask("reset");
  const base = await postLoad(ctx, {
    path: "/__baseline/attendees",
    headers: {},
    overallRate,
    bodyFor: (n) => ({
      account_id: ctx.world.accountId,
      event_id: eventUid,
      profile_id: profileUid,
      fields: fields(n),
    }),
  });
  const baseDelivery = await drain(ctx, base.created);

  await ctx.receiver.ask("reset");
  const weft = await ctx.profiled(overallRate ? "writes-paced" : "writes", () =>
    postLoad(ctx, {
      path: "/v1/attendees",
      headers: { authorization: `Bearer ${ctx.world.adminKey}` },
      overallRate,
      bodyFor: (n) => ({ event_uid: eventUid, fields: fields(n) }),
    }),
  );
  if (weft.created.size === 0) {
    return { skipped: `POST /v1/attendees created nothing (${weft.result.non2xx} non-2xx)` };
  }
  const weftDelivery = await drain(ctx, weft.created);
  const how = overallRate
    ? `paced at ${overallRate} req/s`
    : `${settings.connections} connections, open throttle`;
  const ratio = base.result.rps ? round(weft.result.rps / base.result.rps, 2) : null;
  return {
    name: `POST /v1/attendees, 1 guest.create webhook (${how})`,
    paced: overallRate ?? null,
    weft: { ...weft.result, ...weftDelivery },
    baseline: { ...base.result, ...baseDelivery },
    ratio,
    // Throughput is a target only with the throttle open (paced, both run at the pace).
    ...(overallRate
      ? {}
      : { targets: [target(`req/s >= ${WRITE_TARGET}x the baseline`, ratio, WRITE_TARGET)] }),
  };
}

/**
 * Throughput with the throttle open (the queue then builds a backlog, so its POST-to-receipt
 * measures how long the backlog takes to drain), then POST-to-receipt at a paced rate.
 */
export async function measureWrites(ctx) {
  const world = await setupWrites(ctx);
  return [await measureRun(ctx, world), await measureRun(ctx, world, PACED_RATE)];
}
