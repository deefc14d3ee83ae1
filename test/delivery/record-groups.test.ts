import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDeliveriesDb } from "../../src/db/client";
import { processBatch } from "../../src/delivery/consumer";
import { EndpointScheduler } from "../../src/delivery/endpoint";
import type { QueueMessage } from "../../src/delivery/messages";
import type { Deps } from "../../src/deps";
import type { Endpoints } from "../../src/durable-objects/endpoint/interface";
import { createAttendeeWithEnv, createWorldAnswering } from "../factories";
import { heldQueue, recordingDeps } from "../helpers/deps";
import { received, waitFor } from "../helpers/receiver";
import { attemptsOf, deliveriesOf } from "../helpers/stored";
import type { ScriptedResponse } from "../receiver/server";

/**
 * An endpoint records the attempts of the sends it has in flight together: one write to the
 * delivery log once they have all answered, or after a short window, whichever comes first.
 */

type World = Awaited<ReturnType<typeof createWorldAnswering>>;

/** A guest registered with its trigger message held back; returns the message. */
async function heldTrigger(world: World): Promise<QueueMessage> {
  const held = heldQueue();
  await createAttendeeWithEnv({ TRIGGERS: held.queue }, world.key, world.event.uid);
  const [message] = held.sent;
  if (message?.body.type !== "trigger") throw new Error("no trigger queued");
  return message.body;
}

/**
 * The delivery log's binding, noting each batch that records attempts: how many attempt rows it
 * inserts (the rows go in as one JSON parameter, db/insert-rows.ts).
 */
function countingDeliveriesDb(writes: number[]) {
  const attemptRows = new WeakMap<object, number>();
  const d1 = env.DELIVERIES_DB;
  const counting = new Proxy(d1, {
    get(target, name) {
      if (name === "prepare") {
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!sql.startsWith('INSERT INTO "delivery_attempts"')) return statement;
          return new Proxy(statement, {
            get(inner, key) {
              if (key !== "bind") return Reflect.get(inner, key);
              return (...params: unknown[]) => {
                const bound = inner.bind(...params);
                attemptRows.set(bound, (JSON.parse(String(params[0])) as unknown[]).length);
                return bound;
              };
            },
          });
        };
      }
      if (name === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const rows = statements.reduce((sum, s) => sum + (attemptRows.get(s) ?? 0), 0);
          if (rows > 0) writes.push(rows);
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return createDeliveriesDb(counting);
}

/** Endpoints run in the test, with their record window; `wake` returns once all is recorded. */
function endpointsWithWindow(deps: Deps, recordWindowMs: number): Endpoints {
  const schedulers = new Map<string, EndpointScheduler>();
  return {
    async wake(webhookId) {
      let scheduler = schedulers.get(webhookId);
      if (!scheduler) {
        const host = {
          loadBreaker: async () => undefined,
          saveBreaker: async () => {},
          wakeAt: async () => {},
        };
        scheduler = new EndpointScheduler(deps, host, webhookId, recordWindowMs);
        schedulers.set(webhookId, scheduler);
      }
      await scheduler.pump();
      await scheduler.settled();
    },
  };
}

function batchOf(bodies: QueueMessage[]) {
  const messages = bodies.map((body, i) => ({
    id: `msg-${i}`,
    timestamp: new Date(),
    attempts: 1,
    body,
    ack() {},
    retry() {},
  }));
  return { queue: "weft-triggers", messages } as unknown as MessageBatch<QueueMessage>;
}

async function deliveriesOfAll(messages: QueueMessage[]) {
  const rows = [];
  for (const message of messages) {
    if (message.type === "trigger") rows.push(...(await deliveriesOf(message.triggerId)));
  }
  return rows;
}

describe("an endpoint records a round of sends in one write", () => {
  it("six sends answering 40 ms apart: one record of six attempts, each delivery delivered", async () => {
    const steps: ScriptedResponse[] = [0, 40, 80, 120, 160, 200].map((delay_ms) => ({
      status: 200,
      delay_ms,
    }));
    const world = await createWorldAnswering(steps);
    const messages = [];
    for (let i = 0; i < 6; i++) messages.push(await heldTrigger(world));
    const writes: number[] = [];
    const { deps } = recordingDeps({ deliveriesDb: countingDeliveriesDb(writes) });
    // A window longer than the answers take: the group closes when the last one answers.
    deps.endpoints = endpointsWithWindow(deps, 5_000);

    await processBatch(batchOf(messages), deps);

    // One write for the round (gathered by timer tick, as before, it was a write per answer here).
    expect(writes).toEqual([6]);
    expect(await received(world.hook.channel)).toHaveLength(6);
    const rows = await deliveriesOfAll(messages);
    expect(rows.map((row) => [row.status, row.attemptCount, row.lockedUntil])).toEqual(
      Array(6).fill(["delivered", 1, null]),
    );
    for (const row of rows) {
      expect((await attemptsOf(row.id)).map((a) => a.statusCode)).toEqual([200]);
    }
  });

  it("a send that hangs does not hold the others' record past the window", async () => {
    const world = await createWorldAnswering([{ status: 200 }, { hang: true }]);
    const messages = [await heldTrigger(world), await heldTrigger(world)];
    const writes: number[] = [];
    const { deps } = recordingDeps({
      deliveriesDb: countingDeliveriesDb(writes),
      timeoutMs: 3_000,
    });
    deps.endpoints = endpointsWithWindow(deps, 10);

    const done = processBatch(batchOf(messages), deps);
    // The answered one is in the log well before the hanging one times out.
    const started = Date.now();
    const delivered = await waitFor(async () => {
      const rows = await deliveriesOfAll(messages);
      return rows.find((row) => row.status === "delivered");
    }, 2_500);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(writes).toEqual([1]);
    expect((await attemptsOf(delivered.id)).map((a) => a.statusCode)).toEqual([200]);

    await done;
    // The hanging one, once timed out, in a write of its own: pending again, to be retried.
    expect(writes).toEqual([1, 1]);
    const other = (await deliveriesOfAll(messages)).find((row) => row.id !== delivered.id);
    expect(other).toMatchObject({ status: "pending", attemptCount: 1, lockedUntil: null });
  });
});
