import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_RESENDS } from "../../src/db/queries/triggers";
import { handleMessage, processBatch } from "../../src/delivery/consumer";
import type { QueueMessage } from "../../src/delivery/messages";
import { RESEND_AFTER_SECONDS, sweep } from "../../src/delivery/sweeper";
import { createAttendeeWithEnv, createWorldAnswering } from "../factories";
import { failingQueue, heldQueue, recordingDeps } from "../helpers/deps";
import { received } from "../helpers/receiver";
import { attemptsOf, deliveriesOf, deliveryRow, triggerOf, triggerRow } from "../helpers/stored";

/**
 * Dead letters with a rule, and the sweeper's drain. A message that reaches the dead-letter queue
 * finishes its trigger or delivery only when nothing newer is in flight for it, always saying
 * why; a poison message cannot loop for ever; a backlog of lost triggers is re-sent in one run.
 * The consumer is called directly: a message that throws on every try, and the dead-letter
 * queue's batch, are faults the real queue makes only after minutes of retries.
 */

type World = Awaited<ReturnType<typeof createWorldAnswering>>;

/** A guest whose trigger is stored with its message held back (or lost, with `lost`). */
async function guest(w: World, lost = false) {
  const queue = lost ? failingQueue() : heldQueue().queue;
  const attendee = await createAttendeeWithEnv({ TRIGGERS: queue }, w.key, w.event.uid);
  return (await triggerOf(attendee.uid, "guest.create")).id;
}

/** A message as the runtime hands it, recording how it was settled. */
function message(id: string, body: QueueMessage, sentAt: Date, settled: string[]) {
  return {
    id,
    timestamp: sentAt,
    attempts: 10,
    body,
    ack: () => settled.push(`ack ${id}`),
    retry: () => settled.push(`retry ${id}`),
  };
}

function batch(queue: string, messages: ReturnType<typeof message>[]) {
  return { queue, messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<QueueMessage>;
}

describe("dead letters with a rule", () => {
  it("a consumer that throws on one message of a batch: retried, then dead-lettered, the reason recorded", async () => {
    const w = await createWorldAnswering([{ status: 200 }]);
    const other = await createWorldAnswering([{ status: 200 }]);
    const poison = await guest(w);
    const fine = await guest(other);
    // The poison trigger's fan-out throws on every try (its deliveries cannot be written), the
    // other's not.
    const { deps } = recordingDeps();
    const log = deps.deliveriesDb;
    // The fan-out writes straight through the D1 client (db/batch.ts `runWrites`): a batch with
    // a statement bound to the poison trigger (its id, or rows naming it in a JSON parameter) fails.
    type Marked = { statement: D1PreparedStatement; poisoned: boolean };
    deps.deliveriesDb = new Proxy(log, {
      get(target, key) {
        if (key !== "$client") return Reflect.get(target, key);
        const client = target.$client;
        return {
          prepare: (sql: string) => ({
            bind: (...params: unknown[]): Marked => ({
              statement: client.prepare(sql).bind(...params),
              poisoned: params.some((param) => String(param).includes(poison)),
            }),
          }),
          batch: (statements: Marked[]) =>
            statements.some((s) => s.poisoned)
              ? Promise.reject(new Error("poison"))
              : client.batch(statements.map((s) => s.statement)),
        };
      },
    });
    const sentAt = new Date();
    const settled: string[] = [];
    await processBatch(
      batch("weft-triggers", [
        message("p", { type: "trigger", triggerId: poison }, sentAt, settled),
        message("f", { type: "trigger", triggerId: fine }, sentAt, settled),
      ]),
      deps,
    );
    expect(settled.sort()).toEqual(["ack f", "retry p"]);
    expect((await triggerRow(fine))?.status).toBe("processed");
    expect((await triggerRow(poison))?.status).toBe("pending");

    // After its last retry the message lands in the dead-letter queue: the trigger ends failed,
    // saying why, and the message is acked (it loops no more).
    const dead: string[] = [];
    await processBatch(
      batch("weft-triggers-dlq", [
        message("p", { type: "trigger", triggerId: poison }, sentAt, dead),
      ]),
      recordingDeps().deps,
    );
    expect(dead).toEqual(["ack p"]);
    expect(await triggerRow(poison)).toMatchObject({
      status: "failed",
      error: "Dead-lettered: the queue gave up on its message after 10 tries.",
    });
    expect(await received(w.hook.channel)).toEqual([]);
  });

  it("the sweeper's re-send wins: a dead-lettered older message leaves the trigger to it", async () => {
    const w = await createWorldAnswering([{ status: 200 }]);
    const triggerId = await guest(w, true);
    const sentAt = new Date(Date.now() - 120_000);
    // The sweeper re-sent the trigger after the (now dead-lettered) message was sent.
    const swept = recordingDeps();
    await sweep(recordingDeps({ now: () => Date.now() + 120_000, queue: swept.deps.queue }).deps);
    expect(swept.sent.map((m) => m.body)).toContainEqual({ type: "trigger", triggerId });
    const dead: string[] = [];
    await processBatch(
      batch("weft-triggers-dlq", [message("old", { type: "trigger", triggerId }, sentAt, dead)]),
      recordingDeps().deps,
    );
    expect(dead).toEqual(["ack old"]);
    expect((await triggerRow(triggerId))?.status).toBe("pending");
    // The newer message then delivers it.
    await handleMessage(recordingDeps().deps, { type: "trigger", triggerId });
    expect((await deliveriesOf(triggerId))[0]?.status).toBe("delivered");
  });

  it("a dead-lettered delivery ends failed with an attempt row, unless it was attempted since", async () => {
    const w = await createWorldAnswering([{ status: 500 }, { status: 200 }]);
    const triggerId = await guest(w);
    const first = recordingDeps({ random: () => 0.5 });
    const before = new Date(Date.now() - 1000);
    await handleMessage(first.deps, { type: "trigger", triggerId });
    const [delivery] = await deliveriesOf(triggerId);
    const retry = first.sent.find((m) => m.body.type === "deliver");
    expect(retry?.body).toEqual({ type: "deliver", deliveryId: delivery?.id });

    // A message sent before the attempt that was since recorded: the newer retry decides.
    const dead: string[] = [];
    const deliver = { type: "deliver", deliveryId: delivery?.id ?? "" } as const;
    await processBatch(
      batch("weft-triggers-dlq", [message("older", deliver, before, dead)]),
      recordingDeps().deps,
    );
    expect(await deliveryRow(delivery?.id ?? "")).toMatchObject({
      status: "pending",
      attemptCount: 1,
    });

    // The retry's own message dead-lettered (the endpoint could not be woken ten times): failed,
    // and the attempt row says so.
    await processBatch(
      batch("weft-triggers-dlq", [message("retry", deliver, new Date(), dead)]),
      recordingDeps().deps,
    );
    expect(dead).toEqual(["ack older", "ack retry"]);
    expect(await deliveryRow(delivery?.id ?? "")).toMatchObject({
      status: "failed",
      attemptCount: 2,
    });
    expect(
      (await attemptsOf(delivery?.id ?? "")).map((a) => [a.attempt, a.statusCode, a.error]),
    ).toEqual([
      [1, 500, "HTTP 500"],
      [2, null, "Dead-lettered: the queue gave up on its message after 10 tries."],
    ]);
    expect(await received(w.hook.channel)).toHaveLength(1);
  });
});

describe("the sweeper's drain", () => {
  it("re-sends a backlog larger than a page in one run, each trigger once, and not again within 15 minutes", async () => {
    const w = await createWorldAnswering([{ status: 200 }]);
    const seed = await guest(w, true);
    // 1,199 more lost triggers: copies of the one the API stored (1,200 through the API take a
    // minute), each its own id.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1199)
       INSERT INTO triggers (id, account_id, trigger, profile_id, event_id, entity_uid, snapshot,
         webhook_id, cause, status, created_at, processed_at, resend_count)
       SELECT 'trg_copy' || i || '_' || ?, account_id, trigger, profile_id, event_id, entity_uid,
         snapshot, webhook_id, cause, status, created_at, processed_at, 0
       FROM triggers, n WHERE id = ?`,
    )
      .bind(seed, seed)
      .run();
    const mine = (m: { body: QueueMessage }) =>
      m.body.type === "trigger" &&
      (m.body.triggerId === seed || m.body.triggerId.endsWith(`_${seed}`));
    const at = Date.now() + 120_000;
    const first = recordingDeps({ now: () => at });
    const result = await sweep(first.deps);
    const sent = first.sent.filter(mine).map((m) => (m.body as { triggerId: string }).triggerId);
    expect(sent).toHaveLength(1200);
    expect(new Set(sent).size).toBe(1200);
    expect(result.triggers).toBeGreaterThanOrEqual(1200);

    const again = recordingDeps({ now: () => at + 60_000 });
    await sweep(again.deps);
    expect(again.sent.filter(mine)).toEqual([]);

    // Still pending 15 minutes later (the messages were lost again): re-sent once more.
    const later = recordingDeps({ now: () => at + RESEND_AFTER_SECONDS * 1000 + 1000 });
    await sweep(later.deps);
    expect(later.sent.filter(mine)).toHaveLength(1200);
  });

  // Eleven sweeps: longer than the default 5 s on a loaded machine.
  it("gives up on a trigger re-sent MAX_RESENDS times, ending it failed with the reason", async () => {
    const w = await createWorldAnswering([{ status: 200 }]);
    const triggerId = await guest(w, true);
    let at = Date.now() + 120_000;
    for (let i = 0; i < MAX_RESENDS; i++) {
      const run = recordingDeps({ now: () => at });
      await sweep(run.deps);
      expect(
        run.sent.map((m) => m.body),
        `re-send ${i + 1}`,
      ).toContainEqual({
        type: "trigger",
        triggerId,
      });
      at += RESEND_AFTER_SECONDS * 1000 + 1000;
    }
    const last = recordingDeps({ now: () => at });
    await sweep(last.deps);
    expect(last.sent.map((m) => m.body)).not.toContainEqual({ type: "trigger", triggerId });
    expect(await triggerRow(triggerId)).toMatchObject({
      status: "failed",
      resendCount: MAX_RESENDS,
      error: `Re-sent ${MAX_RESENDS} times by the outbox sweeper and never processed.`,
    });
  }, 30_000);
});
