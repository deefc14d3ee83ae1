import { describe, expect, it } from "vitest";
import { createAttendee, createWorldAnswering } from "../factories";
import { api } from "../helpers/api";
import { received, receivedAtLeast } from "../helpers/receiver";

/**
 * Endpoints isolated from each other (README "Receiving webhooks"), through the API, the real
 * TRIGGERS queue and the real ENDPOINT Durable Objects: a slow or hanging receiver holds up only
 * its own deliveries, at most 10 at a time, and `max_per_second` spreads a burst out.
 */

type World = Awaited<ReturnType<typeof createWorldAnswering>>;

/** Registers a guest; returns when the API answered. */
const register = (world: World) => createAttendee(world.key, world.event.uid);

/** Milliseconds from a guest's creation (as the API stamped it) to its first receipt. */
async function changeToReceipt(world: World, timeoutMs = 10_000) {
  const before = (await received(world.hook.channel)).length;
  const guest = await register(world);
  const got = await receivedAtLeast(world.hook.channel, before + 1, timeoutMs);
  const mine = got.find((r) => r.headers["x-weft-entity-uid"] === guest.uid);
  if (!mine) throw new Error("the guest's webhook did not arrive");
  return mine.received_at - Date.parse(guest.created_at);
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("endpoints: one receiver's latency is its own", () => {
  it("a fast receiver's latency is unchanged while a 3 s receiver has 30 deliveries queued", async () => {
    const fast = await createWorldAnswering([{ status: 204 }]);
    const slow = await createWorldAnswering([{ status: 200, delay_ms: 3_000 }]);
    const alone = [];
    for (let i = 0; i < 3; i++) alone.push(await changeToReceipt(fast));

    for (let i = 0; i < 30; i++) await register(slow);
    // The slow endpoint is busy: its first requests are in flight, the rest queued behind them.
    await receivedAtLeast(slow.hook.channel, 1, 5_000);
    const beside = [];
    for (let i = 0; i < 3; i++) beside.push(await changeToReceipt(fast));

    // The old engine held the fast delivery behind the slow batch: 3 s and more.
    expect(Math.max(...beside)).toBeLessThan(Math.max(1_500, 3 * Math.max(...alone)));
    // The slow receiver gets at most 10 requests at a time (the default concurrency).
    const first = await received(slow.hook.channel);
    const t0 = first[0].received_at;
    expect(first.filter((r) => r.received_at < t0 + 2_500).length).toBeLessThanOrEqual(10);
  }, 30_000);

  it("a hanging receiver holds only its own deliveries", async () => {
    const hanging = await createWorldAnswering([{ hang: true }]);
    const fast = await createWorldAnswering([{ status: 204 }]);
    for (let i = 0; i < 12; i++) await register(hanging);
    await receivedAtLeast(hanging.hook.channel, 1, 5_000);
    expect(await changeToReceipt(fast)).toBeLessThan(1_500);
    // Ten requests hang (the endpoint's concurrency); the other two wait their turn.
    await settle(500);
    expect((await received(hanging.hook.channel)).length).toBe(10);
  }, 30_000);

  it("max_per_second spreads a burst over time, dropping nothing", async () => {
    const paced = await createWorldAnswering([{ status: 204 }], { max_per_second: 2 });
    expect(paced.hook.max_per_second).toBe(2);
    for (let i = 0; i < 6; i++) await register(paced);
    const got = await receivedAtLeast(paced.hook.channel, 6, 15_000);
    expect(new Set(got.map((r) => r.headers["webhook-id"])).size).toBe(6);
    const times = got.map((r) => r.received_at).sort((a, b) => a - b);
    // Two at once (a second's worth), then one every 500 ms: the sixth about 2 s after the first.
    expect(times[5] - times[0]).toBeGreaterThanOrEqual(1_800);
    // No second ever sees more than the rate and the second's worth it saved up (2 + 2).
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(4);
    }
  }, 30_000);
});

describe("endpoints: the webhook shows its pacing", () => {
  it("max_per_second and ordering are validated, stored and changed by PATCH", async () => {
    const world = await createWorldAnswering([{ status: 204 }]);
    const path = `/v1/integrations/${world.integration.id}/webhooks/${world.hook.id}` as const;
    expect(world.hook).toMatchObject({
      max_per_second: null,
      ordering: "none",
      state: "active",
      paused_until: null,
      state_reason: null,
    });
    const patched = await api("PATCH", path, {
      key: world.key,
      body: { max_per_second: 50, ordering: "per_subject" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ max_per_second: 50, ordering: "per_subject" });
    for (const body of [
      { max_per_second: 0 },
      { max_per_second: 1.5 },
      { max_per_second: 1001 },
      { ordering: "fifo" },
      { state: "active" },
    ]) {
      const refused = await api("PATCH", path, { key: world.key, body: body as never });
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    const read = await api("GET", path, { key: world.key });
    expect(read.body.data).toMatchObject({ max_per_second: 50, ordering: "per_subject" });
  });
});
