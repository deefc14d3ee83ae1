// Scenario 1 (and 4, reads): an integration key with a field mapping reads page 1 of an event's
// attendees, and one event; the baseline does one raw D1 query for the same rows.
import { load, round } from "../lib/measure.mjs";
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

/**
 * The baseline read (one raw query, no key: the reference), and the same read that first
 * looks its key up (one more raw query): how much of the gap is checking a key on every request.
 */
async function measureBaselines(ctx, baseUrl, key) {
  await check(baseUrl, key, () => null);
  const baseline = await load({ url: baseUrl, workerdPid: ctx.workerdPid });
  const keyed = await load({
    url: baseUrl,
    headers: { authorization: `Bearer ${key}` },
    workerdPid: ctx.workerdPid,
  });
  return { baseline, keyed };
}

function withRatios(weft, { baseline, keyed }) {
  return {
    baseline,
    ratio: ratio(weft, baseline),
    keyed_baseline: keyed,
    ratio_to_keyed: ratio(weft, keyed),
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

  const baselines = await measureBaselines(ctx, baseUrl, key);
  const weft = await ctx.profiled(`attendees-${size}`, () =>
    load({ url: weftUrl, headers: { authorization: `Bearer ${key}` }, workerdPid: ctx.workerdPid }),
  );
  return {
    name: `GET /v1/attendees page_size=50, ${size.toLocaleString("en")} attendees`,
    size,
    ...(mapped ? {} : { warning: "the field mapping was NOT applied to this read" }),
    weft,
    ...withRatios(weft, baselines),
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
  const baselines = await measureBaselines(ctx, baseUrl, key);
  const weft = await ctx.profiled("event", () =>
    load({ url: weftUrl, headers: { authorization: `Bearer ${key}` }, workerdPid: ctx.workerdPid }),
  );
  return { name: "GET /v1/events/{uid}", weft, ...withRatios(weft, baselines) };
}
