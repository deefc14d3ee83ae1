import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleMessage, processBatch } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import { MAX_ATTEMPTS } from "../../src/delivery/retry-schedule";
import { sweep } from "../../src/delivery/sweeper";
import type { Deps } from "../../src/deps";
import {
  attemptRows,
  channelUrl,
  deliveriesOfTrigger,
  newChannel,
  received,
  script,
  testDeps,
} from "../delivery/seed";
import type { ScriptedResponse } from "../receiver/server";
import { callWithEnv, fastApi } from "../security/support";

/**
 * Faults on the way from the API to a receiver. After each, every trigger the API accepted ends
 * `delivered` or `failed`, with its attempts recorded: none lost, none sent twice as a new delivery.
 */

type Recorded = { body: QueueMessage; delaySeconds?: number };

/** A TRIGGERS producer that records, so the test (not the runtime's consumer) drives delivery. */
function recordingQueue() {
  const messages: Recorded[] = [];
  return { messages, ...recordingQueueInto(messages) };
}

/** An account whose profile has an active integration with one guest.create webhook. */
async function activeWorld(steps: ScriptedResponse[]) {
  const channel = newChannel();
  await script(channel, steps);
  const made = async (method: string, path: string, key: string, body?: unknown) => {
    const response = await fastApi(method, path, { key, body });
    if (response.status >= 300) throw new Error(`${path}: ${JSON.stringify(response.body)}`);
    return response.body.data;
  };
  const { admin_key } = await made("POST", "/v1/accounts", env.BOOTSTRAP_TOKEN, { name: "F" });
  const key: string = admin_key.key;
  const profile = await made("POST", "/v1/profiles", key, { name: "Brand" });
  const integration = await made("POST", "/v1/integrations", key, {
    name: "CRM",
    profile_uids: [profile.uid],
  });
  await made("PUT", `/v1/profiles/${profile.uid}/integration`, key, {
    integration_id: integration.id,
  });
  const webhook = await made("POST", `/v1/integrations/${integration.id}/webhooks`, key, {
    name: "Push",
    trigger: "guest.create",
    url: channelUrl(channel),
  });
  const event = await made("POST", "/v1/events", key, {
    profile_uid: profile.uid,
    name: "Summit",
    start_date: "2026-06-12T07:00:00Z",
    end_date: "2026-06-13T16:00:00Z",
  });
  return { channel, key, event: event.uid as string, webhook: webhook.id as string };
}

/** Registers a guest through the API with `TRIGGERS` replaced; returns its guest.create trigger. */
async function registerGuest(world: { key: string; event: string }, queue: unknown) {
  const response = await callWithEnv(
    { TRIGGERS: queue as Queue },
    {
      method: "POST",
      path: "/v1/attendees",
      key: world.key,
      body: JSON.stringify({ event_uid: world.event, fields: { email: "guest@example.com" } }),
    },
  );
  expect(response.status).toBe(201);
  const row = await env.DB.prepare(
    "SELECT id FROM triggers WHERE entity_uid = ? AND trigger = 'guest.create'",
  )
    .bind(response.body.data.uid)
    .first<{ id: string }>();
  if (!row) throw new Error("no trigger recorded");
  return row.id;
}

/**
 * Plays the queue: hands each recorded message to the consumer when its delay is over, on a
 * clock that jumps to that moment (the retry schedule runs in an instant), until none is left.
 */
async function drain(messages: Recorded[], overrides: Partial<Deps> = {}) {
  let clock = Date.now();
  for (let step = 0; messages.length > 0 && step < 4 * MAX_ATTEMPTS; step++) {
    const message = messages.shift() as Recorded;
    clock += ((message.delaySeconds ?? 0) + 1) * 1000;
    const at = clock;
    const { deps } = testDeps({ timeoutMs: 400, now: () => at, ...overrides });
    const { queue } = recordingQueueInto(messages);
    await handleMessage({ ...deps, queue }, message.body);
  }
  expect(messages).toEqual([]);
}

function recordingQueueInto(messages: Recorded[]) {
  return {
    queue: {
      async sendBatch(batch: Iterable<{ body: QueueMessage; delaySeconds?: number }>) {
        for (const m of batch) messages.push({ body: m.body, delaySeconds: m.delaySeconds });
      },
    },
  };
}

/** The trigger's one delivery, finished, with one attempt row per request the receiver saw. */
async function expectSettled(triggerId: string, channel: string, status: "delivered" | "failed") {
  const deliveries = await deliveriesOfTrigger(triggerId);
  expect(deliveries).toHaveLength(1);
  const [delivery] = deliveries;
  expect(delivery?.status).toBe(status);
  const attempts = await attemptRows(delivery?.id ?? "");
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
      const { messages, queue } = recordingQueue();
      const triggerId = await registerGuest(world, queue);
      await drain(messages);
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
    const { messages, queue } = recordingQueue();
    const triggerId = await registerGuest(world, queue);
    await drain(messages);
    const { attempts } = await expectSettled(triggerId, world.channel, "delivered");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.durationMs).toBeLessThan(2_000);
    expect((attempts[0]?.responseExcerpt ?? "").length).toBeLessThan(100);
  }, 30_000);

  it("a receiver that always resets: the guest ends failed after every attempt", async () => {
    const world = await activeWorld([{ reset: true }]);
    const { messages, queue } = recordingQueue();
    const triggerId = await registerGuest(world, queue);
    await drain(messages);
    const { attempts } = await expectSettled(triggerId, world.channel, "failed");
    expect(attempts).toHaveLength(MAX_ATTEMPTS);
  }, 30_000);
});

describe("nothing lost: queue and consumer faults", () => {
  it("a queue send that fails after the D1 write: the sweeper delivers the trigger exactly once", async () => {
    const world = await activeWorld([{ status: 200 }]);
    const failing = {
      send: () => Promise.reject(new Error("queue unavailable")),
      sendBatch: () => Promise.reject(new Error("queue unavailable")),
    };
    const triggerId = await registerGuest(world, failing);
    expect(await deliveriesOfTrigger(triggerId)).toEqual([]);

    // The cron, a minute later, twice: one message, one delivery, one request.
    const later = Date.now() + 120_000;
    const first = recordingQueue();
    await sweep({ ...testDeps({ now: () => later }).deps, queue: first.queue });
    expect(first.messages.map((m) => m.body)).toContainEqual({ type: "trigger", triggerId });
    const mine = first.messages.filter(
      (m) => m.body.type === "trigger" && m.body.triggerId === triggerId,
    );
    await drain(mine);
    const second = recordingQueue();
    await sweep({ ...testDeps({ now: () => later + 60_000 }).deps, queue: second.queue });
    expect(second.messages.map((m) => m.body)).not.toContainEqual({ type: "trigger", triggerId });
    await expectSettled(triggerId, world.channel, "delivered");
  });

  it("a consumer that throws mid-batch: the message is retried, the other acked, nothing doubled", async () => {
    const a = await activeWorld([{ status: 500 }, { status: 200 }]);
    const b = await activeWorld([{ status: 200 }]);
    const recordA = recordingQueue();
    const recordB = recordingQueue();
    const triggerA = await registerGuest(a, recordA.queue);
    const triggerB = await registerGuest(b, recordB.queue);

    // The retry of A's failed attempt cannot be queued: its handler throws after recording it.
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
    const { deps } = testDeps({ timeoutMs: 400 });
    const throwingQueue = {
      send: () => Promise.reject(new Error("queue unavailable")),
      sendBatch: () => Promise.reject(new Error("queue unavailable")),
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
    await processBatch(batch, { ...deps, queue: throwingQueue });
    expect(acks).toEqual(["b"]);
    expect(retries).toEqual(["a"]);
    await expectSettled(triggerB, b.channel, "delivered");

    // The queue redelivers A's message; the sweeper also finds A's delivery overdue. Both run.
    const redelivered: Recorded[] = [{ body: { type: "trigger", triggerId: triggerA } }];
    await drain(redelivered);
    const swept = recordingQueue();
    await sweep({ ...testDeps({ now: () => Date.now() + 86_400_000 }).deps, queue: swept.queue });
    await drain(
      swept.messages.filter((m) => m.body.type === "deliver" || m.body.triggerId === triggerA),
    );
    await expectSettled(triggerA, a.channel, "delivered");
    expect(await received(a.channel)).toHaveLength(2);
  });
});
