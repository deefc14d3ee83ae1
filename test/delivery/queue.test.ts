import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanOutTrigger } from "../../src/delivery/fanout";
import type { QueueMessage } from "../../src/delivery/messages";
import { sweep } from "../../src/delivery/sweeper";
import worker from "../../src/index";
import { createAttendeeWithEnv, createWorldWithIntegration } from "../factories";
import { api } from "../helpers/api";
import {
  failingQueue,
  heldQueue,
  recordingDeps,
  recordingEndpoints,
  runCron,
} from "../helpers/deps";
import { received, receivedAtLeast, script, waitFor } from "../helpers/receiver";
import {
  allDelivered,
  attemptsOf,
  deliveriesOf,
  deliveryRow,
  triggerOf,
  triggerRow,
} from "../helpers/stored";
import type { ScriptedResponse } from "../receiver/server";

/** A world with one guest.create webhook on a fresh receiver channel answering `steps`. */
async function worldAnswering(steps: ScriptedResponse[] = []) {
  const world = await createWorldWithIntegration({ webhooks: [{}] });
  const [hook] = world.webhooks;
  if (steps.length > 0) await script(hook.channel, steps);
  return { ...world, hook, channel: hook.channel };
}

type World = Awaited<ReturnType<typeof worldAnswering>>;

/** Registers a guest through the API (with `TRIGGERS` as given); returns its guest.create trigger. */
async function register(world: World, triggers?: Queue<QueueMessage>) {
  const env = triggers ? { TRIGGERS: triggers } : {};
  const attendee = await createAttendeeWithEnv(env, world.key, world.event.uid);
  return (await triggerOf(attendee.uid, "guest.create")).id;
}

/** A guest whose trigger is stored but whose message is held back (the test hands it on). */
async function heldGuest(world: World) {
  const held = heldQueue();
  const triggerId = await register(world, held.queue);
  expect(held.sent).toEqual([{ body: { type: "trigger", triggerId } }]);
  return triggerId;
}

function batchOf(queue: string, bodies: QueueMessage[]) {
  return createMessageBatch<QueueMessage>(
    queue,
    bodies.map((body, i) => ({
      id: `msg-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    })),
  );
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("through the real queue", () => {
  it("a guest registered through the API ends delivered", async () => {
    const world = await worldAnswering();
    const triggerId = await register(world);
    const rows = await allDelivered(triggerId);
    expect(rows).toHaveLength(1);
    expect(await received(world.channel)).toHaveLength(1);
    expect((await triggerRow(triggerId))?.status).toBe("processed");
  });

  it("a 500 is retried after the schedule's first step with the same webhook-id, then delivered", async () => {
    const world = await worldAnswering([{ status: 500 }, { status: 204 }]);
    const triggerId = await register(world);
    // The first retry waits 5 s ±20 %.
    const got = await receivedAtLeast(world.channel, 2, 15_000);
    expect(got).toHaveLength(2);
    const [delivery] = await allDelivered(triggerId);
    expect(got.map((r) => r.headers["webhook-id"])).toEqual([delivery.id, delivery.id]);
    expect(got.map((r) => r.headers["x-weft-attempt"])).toEqual(["1", "2"]);
    const waited = got[1].received_at - got[0].received_at;
    expect(waited).toBeGreaterThanOrEqual(4000 - 500);
    expect(waited).toBeLessThan(6000 + 4000);
    expect((await attemptsOf(delivery.id)).map((a) => a.statusCode)).toEqual([500, 204]);
  }, 20_000);
});

describe("queue handler", () => {
  it("the same trigger message twice (one batch, then again) gives one delivery and one request", async () => {
    const world = await worldAnswering();
    const triggerId = await heldGuest(world);
    // Direct batches: a duplicated message is a fault the real queue makes only by chance.
    const message: QueueMessage = { type: "trigger", triggerId };
    const batch = batchOf("weft-triggers", [message, message]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toHaveLength(2);
    expect(result.retryMessages).toEqual([]);

    const again = batchOf("weft-triggers", [message]);
    const ctx2 = createExecutionContext();
    await worker.queue(again, env, ctx2);
    expect((await getQueueResult(again, ctx2)).explicitAcks).toHaveLength(1);

    // The consumer woke the webhook's endpoint, which sends on its own: wait for it, then a while.
    const rows = await allDelivered(triggerId);
    await settle(500);
    expect(await deliveriesOf(triggerId)).toHaveLength(1);
    expect(rows).toHaveLength(1);
    expect(await received(world.channel)).toHaveLength(1);
    expect(await attemptsOf(rows[0]?.id ?? "")).toHaveLength(1);
  });

  it("processes messages concurrently: a slow receiver does not hold up another", async () => {
    const slow = await worldAnswering([{ status: 200, delay_ms: 1500 }]);
    const fast = await worldAnswering();
    // A direct batch: the real queue does not promise to put both messages in one batch.
    const batch = batchOf("weft-triggers", [
      { type: "trigger", triggerId: await heldGuest(slow) },
      { type: "trigger", triggerId: await heldGuest(fast) },
    ]);
    const ctx = createExecutionContext();
    const started = Date.now();
    await worker.queue(batch, env, ctx);
    // The batch does not wait for any receiver: the endpoints send.
    expect(Date.now() - started).toBeLessThan(1500);
    const slowGot = await receivedAtLeast(slow.channel);
    const fastGot = await receivedAtLeast(fast.channel);
    expect([slowGot.length, fastGot.length]).toEqual([1, 1]);
    // Both requests were sent before the slow one answered.
    expect(Math.abs(slowGot[0].received_at - fastGot[0].received_at)).toBeLessThan(1000);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(2);
  });

  it("a message that throws is retried, not acked", async () => {
    // A direct batch: D1 missing is a fault only a direct call can inject.
    const batch = batchOf("weft-triggers", [{ type: "deliver", deliveryId: "dlv_missing" }]);
    const broken = { ...env, DB: undefined, DELIVERIES_DB: undefined } as unknown as Env;
    const ctx = createExecutionContext();
    await worker.queue(batch, broken, ctx).catch(() => {});
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
  });

  it("the dead-letter queue ends a trigger and a delivery as failed, each saying why", async () => {
    const world = await worldAnswering();
    const triggerId = await heldGuest(world);
    const stuck = await worldAnswering();
    // Fanned out (the delivery stored) by a consumer that died before waking its endpoint.
    const stuckTrigger = await heldGuest(stuck);
    await fanOutTrigger(recordingDeps().deps, stuckTrigger);
    const deliveryId = (await deliveriesOf(stuckTrigger))[0]?.id ?? "";
    // A direct batch: the real queue dead-letters a message only after 10 retries (minutes).
    const batch = batchOf("weft-triggers-dlq", [
      { type: "trigger", triggerId },
      { type: "deliver", deliveryId },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(2);
    expect(await triggerRow(triggerId)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^Dead-lettered/),
    });
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: "failed", attemptCount: 1 });
    expect(await attemptsOf(deliveryId)).toMatchObject([
      { attempt: 1, statusCode: null, error: expect.stringMatching(/^Dead-lettered/) },
    ]);
    expect(await received(world.channel)).toEqual([]);
    expect(await received(stuck.channel)).toEqual([]);
  });
});

describe("outbox sweeper (scheduled)", () => {
  it("delivers a trigger recorded without a message, exactly once, when the cron runs twice", async () => {
    const world = await worldAnswering();
    const triggerId = await register(world, failingQueue());
    // Time travel: the change was two minutes ago (the sweeper leaves younger triggers to their
    // message), and the webhook existed before it (a webhook gets only later triggers).
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    await env.DB.batch([
      env.DB.prepare("UPDATE webhooks SET created_at = ? WHERE id = ?").bind(
        ago(180),
        world.hook.id,
      ),
      env.DB.prepare("UPDATE triggers SET created_at = ? WHERE id = ?").bind(ago(120), triggerId),
    ]);
    await runCron();
    await runCron();
    await allDelivered(triggerId);
    await settle(1000);
    expect(await received(world.channel)).toHaveLength(1);
    expect(await deliveriesOf(triggerId)).toHaveLength(1);
  }, 20_000);

  it("leaves a fresh pending trigger to its own message", async () => {
    const triggerId = await heldGuest(await worldAnswering());
    // A direct call with a recording queue: the test reads what the sweeper would send.
    const { deps, sent } = recordingDeps();
    await sweep(deps);
    expect((await triggerRow(triggerId))?.status).toBe("pending");
    expect(sent.map((m) => m.body)).not.toContainEqual({ type: "trigger", triggerId });
  });

  it("wakes the endpoint of a pending delivery whose message was lost, unless it is locked", async () => {
    const world = await worldAnswering();
    // Fanned out (the delivery stored) by a consumer that died before waking its endpoint.
    const triggerId = await heldGuest(world);
    await fanOutTrigger(recordingDeps().deps, triggerId);
    const deliveryId = (await deliveriesOf(triggerId))[0]?.id ?? "";
    // Time travel: the delivery was due two minutes ago, and an endpoint that then died claimed
    // it for another minute.
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    await env.DB.prepare("UPDATE deliveries SET next_attempt_at = ?, locked_until = ? WHERE id = ?")
      .bind(at(-120_000), at(60_000), deliveryId)
      .run();
    // A direct call with recording endpoints: the test reads which the sweeper would wake.
    const endpoints = recordingEndpoints();
    await sweep(recordingDeps({ endpoints }).deps);
    expect(endpoints.woken).not.toContain(world.hook.id);

    // Time travel: the dead endpoint's claim has run out.
    await env.DB.prepare("UPDATE deliveries SET locked_until = NULL WHERE id = ?")
      .bind(deliveryId)
      .run();
    await runCron();
    await waitFor(
      async () => {
        const row = await deliveryRow(deliveryId);
        return row?.status === "delivered" ? row : undefined;
      },
      15_000,
      "delivery",
    );
    expect(await received(world.channel)).toHaveLength(1);
  });

  it("deletes deliveries, attempts and finished triggers after 30 days, idempotency keys after 24 h", async () => {
    const world = await worldAnswering();
    const old = await register(world);
    const recent = await register(world);
    const [oldDelivery] = await allDelivered(old);
    const [recentDelivery] = await allDelivered(recent);
    // Each has a delivery with an attempt, or the deletions below would prove nothing.
    expect(await attemptsOf(oldDelivery.id)).toHaveLength(1);
    expect(await attemptsOf(recentDelivery.id)).toHaveLength(1);
    for (const key of ["old", "new"]) {
      const created = await api("POST", "/v1/profiles", {
        key: world.key,
        body: { name: `Idempotent ${key}` },
        headers: { "idempotency-key": key },
      });
      expect(created.status).toBe(201);
    }
    const longAgo = new Date(Date.now() - 31 * 86400_000).toISOString();
    // Time travel: the old trigger and its delivery are 31 days old, the "old" key 25 hours.
    await env.DB.batch([
      env.DB.prepare("UPDATE deliveries SET created_at = ? WHERE id = ?").bind(
        longAgo,
        oldDelivery.id,
      ),
      env.DB.prepare("UPDATE triggers SET created_at = ? WHERE id = ?").bind(longAgo, old),
      env.DB.prepare(
        "UPDATE idempotency_keys SET created_at = ? WHERE scope = ? AND key = 'old'",
      ).bind(new Date(Date.now() - 25 * 3600_000).toISOString(), world.account.id),
    ]);

    await runCron();

    expect(await deliveryRow(oldDelivery.id)).toBeUndefined();
    expect(await attemptsOf(oldDelivery.id)).toEqual([]);
    expect(await triggerRow(old)).toBeUndefined();
    expect(await deliveryRow(recentDelivery.id)).toBeDefined();
    expect(await attemptsOf(recentDelivery.id)).toHaveLength(1);
    expect(await triggerRow(recent)).toBeDefined();
    const { results: keys } = await env.DB.prepare(
      "SELECT key FROM idempotency_keys WHERE scope = ?",
    )
      .bind(world.account.id)
      .all<{ key: string }>();
    expect(keys.map((k) => k.key)).toEqual(["new"]);
  });
});
