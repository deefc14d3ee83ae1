import { describe, expect, it } from "vitest";
import { handleMessage, processBatch } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import { MAX_ATTEMPTS } from "../../src/delivery/retry-schedule";
import { sweep } from "../../src/delivery/sweeper";
import { createAttendeeWithEnv, createWorldWithIntegration } from "../factories";
import { failingQueue, heldQueue, recordingDeps, type SentMessage } from "../helpers/deps";
import { received, script } from "../helpers/receiver";
import { attemptsOf, deliveriesOf, triggerOf } from "../helpers/stored";
import type { ScriptedResponse } from "../receiver/server";

/**
 * Faults on the way from the API to a receiver. After each, every trigger the API accepted ends
 * `delivered` or `failed`, with its attempts recorded: none lost, none sent twice as a new delivery.
 * The test, not the runtime, plays the queue: it holds the app's messages back and hands them to
 * the consumer on a clock that jumps, so ten retries over three days run in an instant.
 */

/** An account whose profile has an active integration with one guest.create webhook. */
async function activeWorld(steps: ScriptedResponse[]) {
  const world = await createWorldWithIntegration({ webhooks: [{}] });
  const [{ channel, id }] = world.webhooks;
  await script(channel, steps);
  return { channel, key: world.key, event: world.event.uid, webhookId: id };
}

/** Registers a guest through the API with `TRIGGERS` replaced; returns its guest.create trigger. */
async function registerGuest(world: { key: string; event: string }, queue: Queue<QueueMessage>) {
  const attendee = await createAttendeeWithEnv({ TRIGGERS: queue }, world.key, world.event);
  return (await triggerOf(attendee.uid, "guest.create")).id;
}

/**
 * Plays the queue: hands each held message to the consumer when its delay is over, on a clock
 * that jumps to that moment (the retry schedule runs in an instant), until none is left.
 */
async function drain(messages: SentMessage[]) {
  let clock = Date.now();
  for (let step = 0; messages.length > 0 && step < 4 * MAX_ATTEMPTS; step++) {
    const message = messages.shift() as SentMessage;
    clock += ((message.delaySeconds ?? 0) + 1) * 1000;
    const at = clock;
    const { deps, sent } = recordingDeps({ timeoutMs: 400, now: () => at });
    await handleMessage(deps, message.body);
    messages.push(...sent);
  }
  expect(messages).toEqual([]);
}

/** The trigger's one delivery, finished, with one attempt row per request the receiver saw. */
async function expectSettled(triggerId: string, channel: string, status: "delivered" | "failed") {
  const deliveries = await deliveriesOf(triggerId);
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery?.status).toBe(status);
  const attempts = await attemptsOf(delivery?.id ?? "");
  expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
  expect(delivery?.attemptCount).toBe(attempts.length);
  const got = await received(channel);
  // A reset can cut a request before the receiver has logged it; never more requests than attempts.
  expect(got.length).toBeGreaterThan(0);
  expect(got.length).toBeLessThanOrEqual(attempts.length);
  expect(new Set(got.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery?.id]));
  return { delivery, attempts, got };
}

const FAULTS: Array<[string, ScriptedResponse]> = [
  ["hangs", { hang: true }],
  ["resets the connection", { reset: true }],
  ["answers its status slowly", { status: 200, delay_ms: 1_000 }],
  ["answers a huge error body", { status: 500, body: "y".repeat(3_000_000) }],
  ["redirects in a loop", { status: 307, headers: { location: "/hooks/loop" } }],
];

describe("nothing lost: receiver faults", () => {
  it.each(FAULTS)(
    "a receiver that %s twice, then answers 200: the guest ends delivered once",
    async (_label, fault) => {
      const world = await activeWorld([fault, fault, { status: 200 }]);
      const held = heldQueue();
      const triggerId = await registerGuest(world, held.queue);
      await drain(held.sent);
      const { attempts } = await expectSettled(triggerId, world.channel, "delivered");
      expect(attempts).toHaveLength(3);
      expect(attempts[0]?.error).not.toBeNull();
      expect(attempts[2]).toMatchObject({ statusCode: 200, error: null });
      // The huge body is cut to the excerpt, not stored whole.
      for (const attempt of attempts) {
        expect((attempt.responseExcerpt ?? "").length).toBeLessThanOrEqual(2048);
      }
    },
    30_000,
  );

  it("a receiver that sends 200 then drips its body: delivered once, the attempt bounded by the timeout", async () => {
    const world = await activeWorld([{ status: 200, body: "x".repeat(100), drip_ms: 50 }]);
    const held = heldQueue();
    const triggerId = await registerGuest(world, held.queue);
    await drain(held.sent);
    const { attempts } = await expectSettled(triggerId, world.channel, "delivered");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.durationMs).toBeLessThan(2_000);
    expect((attempts[0]?.responseExcerpt ?? "").length).toBeLessThan(100);
  }, 30_000);

  it("a receiver that always resets: the guest ends failed after every attempt", async () => {
    const world = await activeWorld([{ reset: true }]);
    const held = heldQueue();
    const triggerId = await registerGuest(world, held.queue);
    await drain(held.sent);
    const { attempts } = await expectSettled(triggerId, world.channel, "failed");
    expect(attempts).toHaveLength(MAX_ATTEMPTS);
  }, 30_000);
});

describe("nothing lost: queue and consumer faults", () => {
  it("a queue send that fails after the D1 write: the sweeper delivers the trigger exactly once", async () => {
    const world = await activeWorld([{ status: 200 }]);
    const triggerId = await registerGuest(world, failingQueue());
    expect(await deliveriesOf(triggerId)).toEqual([]);

    // The cron, a minute later, twice (the sweeper called on a clock moved on, so no row is
    // aged): one message, one delivery, one request.
    const later = Date.now() + 120_000;
    const first = recordingDeps({ now: () => later });
    await sweep(first.deps);
    expect(first.sent.map((m) => m.body)).toContainEqual({ type: "trigger", triggerId });
    const mine = first.sent.filter(
      (m) => m.body.type === "trigger" && m.body.triggerId === triggerId,
    );
    await drain(mine);
    const second = recordingDeps({ now: () => later + 60_000 });
    await sweep(second.deps);
    expect(second.sent.map((m) => m.body)).not.toContainEqual({ type: "trigger", triggerId });
    await expectSettled(triggerId, world.channel, "delivered");
  });

  it("a consumer that throws mid-batch: the message is retried, the other acked, nothing doubled", async () => {
    const a = await activeWorld([{ status: 500 }, { status: 200 }]);
    const b = await activeWorld([{ status: 200 }]);
    const triggerA = await registerGuest(a, heldQueue().queue);
    const triggerB = await registerGuest(b, heldQueue().queue);

    // A's endpoint cannot be reached (its Durable Object is moving, say): A's handler throws
    // after fanning out.
    const acks: string[] = [];
    const retries: string[] = [];
    const message = (id: string, body: QueueMessage) => ({
      id,
      timestamp: new Date(),
      attempts: 1,
      body,
      ack: () => acks.push(id),
      retry: () => retries.push(id),
      retryAll: () => {},
    });
    // processBatch directly: an endpoint failing for one webhook needs a direct call.
    const { deps } = recordingDeps({ timeoutMs: 400 });
    const inline = deps.endpoints;
    deps.endpoints = {
      wake: (id) =>
        id === a.webhookId ? Promise.reject(new Error("endpoint unreachable")) : inline.wake(id),
    };
    const batch = {
      queue: "weft-triggers",
      messages: [
        message("a", { type: "trigger", triggerId: triggerA }),
        message("b", { type: "trigger", triggerId: triggerB }),
      ],
      ackAll: () => {},
      retryAll: () => {},
    } as unknown as MessageBatch<QueueMessage>;
    await processBatch(batch, deps);
    expect(acks).toEqual(["b"]);
    expect(retries).toEqual(["a"]);
    await expectSettled(triggerB, b.channel, "delivered");
    expect(await received(a.channel)).toEqual([]);

    // The sweeper finds A's delivery overdue and wakes its endpoint (the first attempt fails);
    // the queue redelivers A's message too. Both run; then A's retry.
    const swept = recordingDeps({ timeoutMs: 400, now: () => Date.now() + 120_000 });
    await sweep(swept.deps);
    await drain([{ body: { type: "trigger", triggerId: triggerA } }, ...swept.sent]);
    await expectSettled(triggerA, a.channel, "delivered");
    expect(await received(a.channel)).toHaveLength(2);
  });
});
