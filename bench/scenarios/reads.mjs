// Scenario 1 (and 4, reads): an integration key with a field mapping reads page 1 of an event's
// attendees, and one event; the baseline does one raw D1 query for the same rows, the keyed
// baseline looks its key up first. The three run side by side, in rotating rounds.
import { round, sideBySide } from "../lib/measure.mjs";
import {
  BENCH_MAPPING,
  createEvent,
  createIntegration,
  createIntegrationKey,
  createProfile,
  seedAttendees,
  Unavailable,
} from "../lib/seed.mjs";

/** One profile, integration and key for every size; one event per size (seeded once). */
async function setup(ctx) {
  if (ctx.reads) return ctx.reads;
  const { api, world } = ctx;
  const profileUid = await createProfile(api, world.adminKey, "Reads");
  const integrationId = await createIntegration(api, world.adminKey, [profileUid], BENCH_MAPPING);
  const key = await createIntegrationKey(api, world.adminKey, integrationId);
  ctx.reads = { profileUid, integrationId, key, events: new Map() };
  return ctx.reads;
}

export async function eventOfSize(ctx, size) {
  const reads = await setup(ctx);
  const known = reads.events.get(size);
  if (known) return known;
  const eventUid = await createEvent(
    ctx.api,
    ctx.world.adminKey,
    reads.profileUid,
    `Reads ${size}`,
  );
  const started = Date.now();
  await seedAttendees(ctx.db, {
    accountId: ctx.world.accountId,
    eventUid,
    profileUid: reads.profileUid,
    count: size,
    tag: `r${size.toString(36)}x`,
  });
  ctx.log(`  seeded ${size} attendees in ${Date.now() - started} ms`);
  reads.events.set(size, eventUid);
  return eventUid;
}

/**
 * One request first: the route must answer 200 with what the scenario claims to measure
 * (`expect` names a problem, or null). Returns the body.
 */
async function check(url, key, expect) {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.text();
  if (res.status !== 200) {
    throw new Unavailable(`${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 200)}`);
  }
  const body = JSON.parse(text);
  const problem = expect(body);
  if (problem) throw new Unavailable(`${new URL(url).pathname}: ${problem}`);
  return body;
}

const ratio = (weft, baseline) => (baseline.rps ? round(weft.rps / baseline.rps, 2) : null);

/** Issue 13's throughput targets for a read, against both baselines measured beside it. */
export const READ_TARGETS = { keyed: 0.8, keyless: 0.6, p99_of_keyed: 1.5 };

/** A target's line: what, the figure, the bound, and whether the figure is within it. */
export function target(what, value, bound, atLeast = true) {
  const met = value !== null && (atLeast ? value >= bound : value <= bound);
  return { what, value, bound, met };
}

/**
 * Weft's read side by side with the baseline read (one raw query, no key: the reference)
 * and the same read that first looks its key up (one more raw query: the least a read that checks
 * its key costs), in rotating rounds (measure.mjs sideBySide).
 */
async function readSideBySide(ctx, label, { weftUrl, baseUrl, key }) {
  const auth = { authorization: `Bearer ${key}` };
  const [baseline, keyed, weft] = await ctx.profiled(label, () =>
    sideBySide(
      [{ url: baseUrl }, { url: baseUrl, headers: auth }, { url: weftUrl, headers: auth }],
      { workerdPid: ctx.workerdPid },
    ),
  );
  const toKeyed = ratio(weft, keyed);
  const toKeyless = ratio(weft, baseline);
  const p99Bound = round(READ_TARGETS.p99_of_keyed * keyed.p99_ms);
  return {
    weft,
    baseline,
    ratio: toKeyless,
    keyed_baseline: keyed,
    ratio_to_keyed: toKeyed,
    targets: [
      target(`req/s >= ${READ_TARGETS.keyed}x the keyed baseline`, toKeyed, READ_TARGETS.keyed),
      target(
        `req/s >= ${READ_TARGETS.keyless}x the keyless baseline`,
        toKeyless,
        READ_TARGETS.keyless,
      ),
      target(
        `p99 <= ${READ_TARGETS.p99_of_keyed}x the keyed baseline's (${keyed.p99_ms} ms)`,
        weft.p99_ms,
        p99Bound,
        false,
      ),
    ],
  };
}

/** GET /v1/attendees?event_uid=...&page_size=50 on an event of `size` attendees, and its baseline. */
export async function measureAttendeeList(ctx, size) {
  const eventUid = await eventOfSize(ctx, size);
  const { key } = ctx.reads;
  const weftUrl = `${ctx.url}/v1/attendees?event_uid=${eventUid}&page_size=50`;
  const baseUrl = `${ctx.url}/__baseline/attendees?event_id=${eventUid}`;
  const page = await check(weftUrl, key, (body) => {
    if (body.data?.length !== 50) return `expected 50 attendees, got ${body.data?.length}`;
    if (body.meta?.total !== size) return `meta.total is ${body.meta?.total}, expected ${size}`;
    return null;
  });
  // Measured either way, but a figure without the mapping's cost must say so.
  const mapped = "contact_email" in page.data[0] && !("email" in page.data[0]);
  await check(baseUrl, null, (body) => (body.data?.length === 50 ? null : "baseline rows"));
  await check(baseUrl, key, (body) => (body.data?.length === 50 ? null : "keyed baseline rows"));

  return {
    name: `GET /v1/attendees page_size=50, ${size.toLocaleString("en")} attendees`,
    size,
    ...(mapped ? {} : { warning: "the field mapping was NOT applied to this read" }),
    ...(await readSideBySide(ctx, `attendees-${size}`, { weftUrl, baseUrl, key })),
  };
}

/** GET /v1/events/{uid} with the integration key, and its baseline. */
export async function measureEventRead(ctx) {
  const eventUid = await eventOfSize(ctx, ctx.sizes.reads);
  const { key } = ctx.reads;
  const weftUrl = `${ctx.url}/v1/events/${eventUid}`;
  const baseUrl = `${ctx.url}/__baseline/events/${eventUid}`;
  await check(weftUrl, key, (body) => (body.data?.uid === eventUid ? null : "wrong event"));
  await check(baseUrl, null, (body) => (body.data?.id === eventUid ? null : "baseline row"));
  await check(baseUrl, key, (body) => (body.data?.id === eventUid ? null : "keyed baseline row"));
  return {
    name: "GET /v1/events/{uid}",
    ...(await readSideBySide(ctx, "event", { weftUrl, baseUrl, key })),
  };
}
