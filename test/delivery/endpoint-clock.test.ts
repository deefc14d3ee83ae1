import { describe, expect, it } from "vitest";
import type { Breaker } from "../../src/delivery/breaker";
import { handleMessage } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import { createAttendeeWithEnv, createWorldAnswering } from "../factories";
import { api } from "../helpers/api";
import { heldQueue, inlineEndpoints, recordingDeps } from "../helpers/deps";
import { received } from "../helpers/receiver";
import { attemptsOf, deliveriesOf, deliveryRow } from "../helpers/stored";
import type { ScriptedResponse } from "../receiver/server";

/**
 * The endpoint scheduler over minutes, on a pinned clock: the breaker's pause, probe and close, a
 * `retry-after` that pauses the whole endpoint, and per-subject order under retries. The world and
 * the changes go through the API with their queue messages held back; the test hands them to the
 * consumer, and runs the endpoint (the code the ENDPOINT Durable Object hosts) in the test, so
 * the clock it pins reaches it.
 */

type World = Awaited<ReturnType<typeof createWorldAnswering>>;

/** One endpoint's breaker across the test's steps (the Durable Object's storage). */
function clock(t0: number) {
  const breakers = new Map<string, Breaker>();
  return {
    /** Dependencies at `t0 + ms`, with the endpoint run in the test. */
    at(ms: number) {
      const step = recordingDeps({ now: () => t0 + ms, random: () => 0.5, timeoutMs: 400 });
      step.deps.endpoints = inlineEndpoints(step.deps, breakers);
      return step;
    },
  };
}

/** A guest registered with its trigger held back; returns the held trigger message. */
async function heldGuest(world: World) {
  const held = heldQueue();
  const guest = await createAttendeeWithEnv({ TRIGGERS: held.queue }, world.key, world.event.uid);
  const [message] = held.sent;
  if (message?.body.type !== "trigger") throw new Error("no trigger queued");
  return { guest, message: message.body };
}

async function webhookShown(world: World) {
  const path = `/v1/integrations/${world.integration.id}/webhooks/${world.hook.id}` as const;
  const response = await api("GET", path, { key: world.key });
  expect(response.status).toBe(200);
  return response.body.data;
}

const T0 = Date.now();

describe("breaker: open, half-open, closed", () => {
  it("5 failures in a row pause the endpoint; the probe after the pause closes it and the rest flow", async () => {
    const world = await createWorldAnswering([
      ...Array(6).fill({ status: 500 }),
      { status: 200 },
    ] as ScriptedResponse[]);
    const time = clock(T0);
    const triggers = [];
    for (let i = 0; i < 7; i++) triggers.push((await heldGuest(world)).message);

    // Five changes, each failing once: the fifth failure pauses the endpoint for 30 s.
    for (const message of triggers.slice(0, 5)) await handleMessage(time.at(0).deps, message);
    expect(await received(world.hook.channel)).toHaveLength(5);
    const paused = await webhookShown(world);
    expect(paused).toMatchObject({ state: "paused", state_reason: "failing" });
    expect(Date.parse(paused.paused_until ?? "")).toBe(T0 + 30_000);

    // While paused nothing is sent, not even a new change: it waits, spending no attempt.
    await handleMessage(time.at(10_000).deps, triggers[5] as QueueMessage);
    expect(await received(world.hook.channel)).toHaveLength(5);
    const waiting = (await deliveriesOf(triggers[5]?.triggerId ?? ""))[0];
    expect(waiting).toMatchObject({ status: "pending", attemptCount: 0 });

    // After the pause, one probe; it fails (the 6th 500): paused again, twice as long.
    const probe = time.at(31_000);
    await probe.deps.endpoints.wake(world.hook.id);
    expect(await received(world.hook.channel)).toHaveLength(6);
    const again = await webhookShown(world);
    expect(again).toMatchObject({ state: "paused", state_reason: "failing" });
    expect(Date.parse(again.paused_until ?? "")).toBe(T0 + 31_000 + 60_000);

    // The next probe succeeds: the endpoint is active again and everything due goes out. The
    // delivery that probed and failed keeps its own schedule (its 2nd retry: 5 min later).
    await handleMessage(time.at(92_000).deps, triggers[6] as QueueMessage);
    expect(await received(world.hook.channel)).toHaveLength(6 + 6);
    expect(await webhookShown(world)).toMatchObject({
      state: "active",
      paused_until: null,
      state_reason: null,
    });
    await time.at(31_000 + 300_000).deps.endpoints.wake(world.hook.id);
    expect(await received(world.hook.channel)).toHaveLength(6 + 7);
    for (const message of triggers) {
      const [delivery] = await deliveriesOf(message?.triggerId ?? "");
      expect(delivery?.status).toBe("delivered");
      const attempts = await attemptsOf(delivery?.id ?? "");
      expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
    }
  });

  it("a 429 with retry-after pauses the whole endpoint, not only its delivery", async () => {
    const world = await createWorldAnswering([
      { status: 429, headers: { "retry-after": "120" } },
      { status: 200 },
    ]);
    const time = clock(T0);
    const first = await heldGuest(world);
    await handleMessage(time.at(0).deps, first.message);
    expect(await webhookShown(world)).toMatchObject({
      state: "paused",
      state_reason: "retry_after",
      paused_until: new Date(T0 + 120_000).toISOString(),
    });
    // Another guest's delivery waits too.
    const second = await heldGuest(world);
    await handleMessage(time.at(5_000).deps, second.message);
    expect(await received(world.hook.channel)).toHaveLength(1);

    await time.at(121_000).deps.endpoints.wake(world.hook.id);
    expect(await received(world.hook.channel)).toHaveLength(3);
    const [delivery] = await deliveriesOf(second.message.triggerId);
    expect(await deliveryRow(delivery?.id ?? "")).toMatchObject({ status: "delivered" });
  });
});

describe("ordering: per_subject", () => {
  /** A guest.update webhook, a guest, and two updates of it with their triggers held back. */
  async function twoUpdates(
    ordering: "none" | "per_subject",
    steps: ScriptedResponse[] = [{ status: 500 }, { status: 200 }],
  ) {
    const world = await createWorldAnswering(steps, {
      trigger: "guest.update",
      ordering,
    });
    const guest = await createAttendeeWithEnv(
      { TRIGGERS: heldQueue().queue },
      world.key,
      world.event.uid,
    );
    const updates = [];
    for (const lastname of ["First", "Second"]) {
      const held = heldQueue();
      const patched = await api("PATCH", `/v1/attendees/${guest.uid}`, {
        key: world.key,
        body: { fields: { lastname } },
        env: { TRIGGERS: held.queue },
      });
      expect(patched.status).toBe(200);
      updates.push(held.sent[0]?.body as QueueMessage);
    }
    return { world, updates };
  }

  const lastnames = async (world: World) =>
    (await received(world.hook.channel)).map(
      (r) => (JSON.parse(r.body) as { lastname: string }).lastname,
    );

  it("a later change is not sent before the earlier one is delivered, across its retry", async () => {
    const { world, updates } = await twoUpdates("per_subject");
    const time = clock(T0);
    const first = time.at(0);
    await handleMessage(first.deps, updates[0] as QueueMessage); // 500: retried in 5 s
    await handleMessage(time.at(1_000).deps, updates[1] as QueueMessage); // held behind it
    expect(await lastnames(world)).toEqual(["First"]);

    // The retry of the first (the queue hands it on when due) is delivered, then the second goes.
    const retry = first.sent.find((m) => m.body.type === "deliver");
    expect(retry?.delaySeconds).toBe(5);
    await handleMessage(time.at(6_000).deps, retry?.body as QueueMessage);
    expect(await lastnames(world)).toEqual(["First", "First", "Second"]);
  });

  it("a later change whose earlier one's message is late still goes second", async () => {
    const { world, updates } = await twoUpdates("per_subject", [{ status: 200 }]);
    // Only the second change's message arrives: fanning it out fans the first out before it.
    await handleMessage(clock(T0).at(0).deps, updates[1] as QueueMessage);
    expect(await lastnames(world)).toEqual(["First", "Second"]);
  });

  it("unordered (the default) sends the later change without waiting", async () => {
    const { world, updates } = await twoUpdates("none");
    const time = clock(T0);
    await handleMessage(time.at(0).deps, updates[0] as QueueMessage);
    await handleMessage(time.at(1_000).deps, updates[1] as QueueMessage);
    expect(await lastnames(world)).toEqual(["First", "Second"]);
  });
});
