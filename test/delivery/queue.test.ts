import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deliveries, deliveryAttempts, idempotencyKeys, triggers } from "../../src/db/schema";
import type { QueueMessage } from "../../src/delivery/messages";
import { sweep } from "../../src/delivery/sweeper";
import worker from "../../src/index";
import {
  attemptRows,
  channelUrl,
  db,
  deliveriesOfTrigger,
  findDeliveryRow,
  findTriggerRow,
  newChannel,
  received,
  seedAttendee,
  seedTrigger,
  seedWebhook,
  seedWorld,
  testDeps,
  waitFor,
} from "./seed";

async function guestTrigger(options: { createdAt?: string } = {}) {
  const channel = newChannel();
  const world = await seedWorld();
  const hook = await seedWebhook(world, { url: channelUrl(channel) });
  const attendee = await seedAttendee(world);
  const triggerId = await seedTrigger(world, {
    trigger: "guest.create",
    snapshot: { uid: attendee.id, email: "jane@example.com" },
    entityUid: attendee.id,
    createdAt: options.createdAt,
  });
  return { channel, world, hook, triggerId };
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

async function deliveredOf(triggerId: string) {
  const rows = await deliveriesOfTrigger(triggerId);
  return rows.length > 0 && rows.every((row) => row.status === "delivered") ? rows : undefined;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("through the real queue", () => {
  it("a trigger message sent on TRIGGERS ends delivered", async () => {
    const run = await guestTrigger();
    await env.TRIGGERS.send({ type: "trigger", triggerId: run.triggerId } satisfies QueueMessage);
    const rows = await waitFor(() => deliveredOf(run.triggerId), 15_000, "delivery");
    expect(rows).toHaveLength(1);
    expect(await received(run.channel)).toHaveLength(1);
    expect((await findTriggerRow(run.triggerId))?.status).toBe("processed");
  });
});

describe("queue handler", () => {
  it("the same trigger message twice (one batch, then again) gives one delivery and one request", async () => {
    const run = await guestTrigger();
    const message: QueueMessage = { type: "trigger", triggerId: run.triggerId };
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

    const rows = await deliveriesOfTrigger(run.triggerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("delivered");
    expect(await received(run.channel)).toHaveLength(1);
    expect(await attemptRows(rows[0]?.id ?? "")).toHaveLength(1);
  });

  it("processes messages concurrently: a slow receiver does not hold up another", async () => {
    const slow = await guestTrigger();
    const fast = await guestTrigger();
    const { script } = await import("./seed");
    await script(slow.channel, [{ status: 200, delay_ms: 1500 }]);
    const batch = batchOf("weft-triggers", [
      { type: "trigger", triggerId: slow.triggerId },
      { type: "trigger", triggerId: fast.triggerId },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const slowGot = await received(slow.channel);
    const fastGot = await received(fast.channel);
    expect([slowGot.length, fastGot.length]).toEqual([1, 1]);
    // Both requests were sent before the slow one answered.
    expect(Math.abs(slowGot[0].received_at - fastGot[0].received_at)).toBeLessThan(1000);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(2);
  });

  it("a message that throws is retried, not acked", async () => {
    const batch = batchOf("weft-triggers", [{ type: "deliver", deliveryId: "dlv_missing" }]);
    const broken = { ...env, DB: undefined } as unknown as Env;
    const ctx = createExecutionContext();
    await worker.queue(batch, broken, ctx).catch(() => {});
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
  });

  it("the dead-letter queue ends a trigger and a delivery as failed", async () => {
    const run = await guestTrigger();
    const stuck = await guestTrigger();
    const { deps } = testDeps();
    const { fanOutTrigger } = await import("../../src/delivery/fanout");
    const deliveryId = (await fanOutTrigger(deps, stuck.triggerId)).fresh[0]?.delivery.id;
    const batch = batchOf("weft-triggers-dlq", [
      { type: "trigger", triggerId: run.triggerId },
      { type: "deliver", deliveryId: deliveryId ?? "" },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(2);
    expect((await findTriggerRow(run.triggerId))?.status).toBe("failed");
    expect(await findDeliveryRow(deliveryId ?? "")).toMatchObject({ status: "failed" });
    expect(await received(run.channel)).toEqual([]);
  });
});

describe("outbox sweeper (scheduled)", () => {
  it("delivers a trigger recorded without a message, exactly once, when the cron runs twice", async () => {
    const run = await guestTrigger({ createdAt: new Date(Date.now() - 120_000).toISOString() });
    for (let i = 0; i < 2; i++) {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController(), env, ctx);
      await waitOnExecutionContext(ctx);
    }
    await waitFor(() => deliveredOf(run.triggerId), 15_000, "delivery");
    await settle(1000);
    expect(await received(run.channel)).toHaveLength(1);
    expect(await deliveriesOfTrigger(run.triggerId)).toHaveLength(1);
  });

  it("leaves a fresh pending trigger to its own message", async () => {
    const run = await guestTrigger();
    const { deps, sent } = testDeps();
    await sweep(deps);
    expect(sent.map((m) => m.body)).not.toContainEqual({
      type: "trigger",
      triggerId: run.triggerId,
    });
  });

  it("re-sends a pending delivery whose message was lost, unless it is locked", async () => {
    const run = await guestTrigger();
    const { deps } = testDeps();
    const { fanOutTrigger } = await import("../../src/delivery/fanout");
    const deliveryId = (await fanOutTrigger(deps, run.triggerId)).fresh[0]?.delivery.id ?? "";
    const overdue = new Date(Date.now() - 120_000).toISOString();
    await db
      .update(deliveries)
      .set({ nextAttemptAt: overdue, lockedUntil: new Date(Date.now() + 30_000).toISOString() })
      .where(eq(deliveries.id, deliveryId));
    const locked = testDeps();
    await sweep(locked.deps);
    expect(locked.sent.map((m) => m.body)).not.toContainEqual({ type: "deliver", deliveryId });

    await db.update(deliveries).set({ lockedUntil: null }).where(eq(deliveries.id, deliveryId));
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    await waitFor(
      async () => {
        const row = await findDeliveryRow(deliveryId);
        return row?.status === "delivered" ? row : undefined;
      },
      15_000,
      "delivery",
    );
    expect(await received(run.channel)).toHaveLength(1);
  });

  it("deletes deliveries, attempts and finished triggers after 30 days, idempotency keys after 24 h", async () => {
    const old = await guestTrigger();
    const recent = await guestTrigger();
    const { deps } = testDeps();
    const { fanOutTrigger } = await import("../../src/delivery/fanout");
    const { handleMessage } = await import("../../src/delivery/consumer");
    await handleMessage(deps, { type: "trigger", triggerId: old.triggerId });
    await handleMessage(deps, { type: "trigger", triggerId: recent.triggerId });
    await fanOutTrigger(deps, recent.triggerId);
    const [oldDelivery] = await deliveriesOfTrigger(old.triggerId);
    const [recentDelivery] = await deliveriesOfTrigger(recent.triggerId);
    // Each has a delivery with an attempt, or the deletions below would prove nothing.
    expect(await attemptRows(oldDelivery?.id ?? "")).toHaveLength(1);
    expect(await attemptRows(recentDelivery?.id ?? "")).toHaveLength(1);
    const longAgo = new Date(Date.now() - 31 * 86400_000).toISOString();
    await db
      .update(deliveries)
      .set({ createdAt: longAgo })
      .where(eq(deliveries.id, oldDelivery?.id ?? ""));
    await db.update(triggers).set({ createdAt: longAgo }).where(eq(triggers.id, old.triggerId));
    const keyScope = `scope-${crypto.randomUUID()}`;
    await db.insert(idempotencyKeys).values([
      {
        scope: keyScope,
        key: "old",
        requestHash: "h",
        status: 201,
        body: "{}",
        createdAt: new Date(Date.now() - 25 * 3600_000).toISOString(),
      },
      {
        scope: keyScope,
        key: "new",
        requestHash: "h",
        status: 201,
        body: "{}",
        createdAt: new Date().toISOString(),
      },
    ]);

    await sweep(testDeps().deps);

    expect(await findDeliveryRow(oldDelivery?.id ?? "")).toBeUndefined();
    expect(
      await db
        .select()
        .from(deliveryAttempts)
        .where(eq(deliveryAttempts.deliveryId, oldDelivery?.id ?? "")),
    ).toEqual([]);
    expect(await findTriggerRow(old.triggerId)).toBeUndefined();
    expect(await findDeliveryRow(recentDelivery?.id ?? "")).toBeDefined();
    expect(await attemptRows(recentDelivery?.id ?? "")).toHaveLength(1);
    expect(await findTriggerRow(recent.triggerId)).toBeDefined();
    const keys = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.scope, keyScope));
    expect(keys.map((k) => k.key)).toEqual(["new"]);
  });
});
