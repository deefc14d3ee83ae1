import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attemptDelivery } from "../../src/delivery/attempt";
import { handleMessage } from "../../src/delivery/consumer";
import { RETRY_DELAYS_SECONDS, retryDelaySeconds } from "../../src/delivery/retry-schedule";
import type { Deps } from "../../src/deps";
import { createAttendeeWithEnv, createWorldWithIntegration } from "../factories";
import { api } from "../helpers/api";
import { heldQueue, recordingDeps } from "../helpers/deps";
import { channelUrl, expectSigned, newChannel, received, script } from "../helpers/receiver";
import { attemptsOf, deliveriesOf, deliveryRow, webhookRow } from "../helpers/stored";
import type { ScriptedResponse } from "../receiver/server";

/**
 * One attempt and what follows from its answer. These tests call the consumer directly with
 * recordingDeps: they pin the jitter and the clock, and read the retries it queues (the real
 * queue would run them seconds or hours later). The world and the change go through the API.
 */

/**
 * A world with one guest.create webhook answering `steps` (or at `url`), a guest registered
 * through the API with its trigger held back, and the consumer's first attempt of it.
 */
async function firstAttempt(
  steps: ScriptedResponse[],
  options: { url?: string; deps?: Partial<Deps> } = {},
) {
  const world = await createWorldWithIntegration({
    webhooks: [options.url ? { url: options.url } : {}],
  });
  const [hook] = world.webhooks;
  await script(hook.channel, steps);
  const held = heldQueue();
  await createAttendeeWithEnv({ TRIGGERS: held.queue }, world.key, world.event.uid);
  const [message] = held.sent;
  if (message?.body.type !== "trigger") throw new Error("no trigger queued");
  const { deps, sent } = recordingDeps({ random: () => 0.5, ...options.deps });
  await handleMessage(deps, message.body);
  const [delivery] = await deliveriesOf(message.body.triggerId);
  if (!delivery) throw new Error("no delivery");
  return { world, channel: hook.channel, hook, deliveryId: delivery.id, sent, deps };
}

/** Time travel: the delivery has already failed `attempts` times and its next attempt is due. */
async function afterFailedAttempts(deliveryId: string, attempts: number) {
  await env.DB.prepare("UPDATE deliveries SET attempt_count = ?, next_attempt_at = ? WHERE id = ?")
    .bind(attempts, new Date().toISOString(), deliveryId)
    .run();
}

describe("attempts: failures and retries", () => {
  it("retries a 500 after the schedule's delay with the same webhook-id, then delivers", async () => {
    const run = await firstAttempt([{ status: 500, body: "boom" }, { status: 204 }]);
    let delivery = await deliveryRow(run.deliveryId);
    expect(delivery).toMatchObject({ status: "pending", attemptCount: 1, lockedUntil: null });
    const attempt1 = (await attemptsOf(run.deliveryId))[0];
    expect(attempt1).toMatchObject({ attempt: 1, statusCode: 500, error: "HTTP 500" });
    expect(attempt1?.responseExcerpt).toBe("boom");
    // The wait is the schedule's first step (jitter pinned to none), recorded and queued.
    expect(retryDelaySeconds(1, () => 0.5)).toBe(RETRY_DELAYS_SECONDS[0]);
    const waited =
      Date.parse(delivery?.nextAttemptAt ?? "") - Date.parse(attempt1?.startedAt ?? "");
    expect(waited).toBeGreaterThanOrEqual(5000);
    expect(waited).toBeLessThan(5000 + 2000);
    // The retry, and the webhook.failing notification its run of failures starts (operational).
    const failingSince = (await webhookRow(run.hook.id))?.failingSince;
    expect(failingSince).toBe(attempt1?.startedAt);
    expect(run.sent).toEqual([
      { body: { type: "deliver", deliveryId: run.deliveryId }, delaySeconds: 5 },
      {
        body: {
          type: "trigger",
          triggerId: `ntf_failing_${run.hook.id}_${Date.parse(failingSince ?? "")}`,
        },
      },
    ]);

    // Too early: nothing is sent, the message goes back with the remaining wait.
    await handleMessage(run.deps, { type: "deliver", deliveryId: run.deliveryId });
    expect(await received(run.channel)).toHaveLength(1);
    expect(run.sent[2]?.delaySeconds).toBeGreaterThanOrEqual(4);

    const later = recordingDeps({ now: () => Date.now() + 6000 });
    await handleMessage(later.deps, { type: "deliver", deliveryId: run.deliveryId });
    const got = await received(run.channel);
    expect(got).toHaveLength(2);
    expect(got[0]?.headers["webhook-id"]).toBe(run.deliveryId);
    expect(got[1]?.headers["webhook-id"]).toBe(run.deliveryId);
    expect(got.map((r) => r.headers["x-weft-attempt"])).toEqual(["1", "2"]);
    expect(got[1]?.body).toBe(got[0]?.body);
    for (const request of got) expectSigned(request, run.hook.secret);
    delivery = await deliveryRow(run.deliveryId);
    expect(delivery).toMatchObject({ status: "delivered", attemptCount: 2, nextAttemptAt: null });
    const attempts = await attemptsOf(run.deliveryId);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, "HTTP 500"],
      [2, 204, null],
    ]);
    expect(later.sent).toEqual([]);
    expect((await webhookRow(run.hook.id))?.failingSince).toBeNull();
  });

  it("410 fails the delivery and disables the webhook as gone", async () => {
    const run = await firstAttempt([{ status: 410, body: "gone" }]);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({
      status: "failed",
      attemptCount: 1,
      nextAttemptAt: null,
    });
    const webhook = await api(
      "GET",
      `/v1/integrations/${run.world.integration.id}/webhooks/${run.hook.id}`,
      { key: run.world.key },
    );
    expect(webhook.body.data).toMatchObject({ enabled: false, disabled_reason: "gone" });
    // No retry; only the webhook.disabled notification (operational).
    expect(run.sent).toEqual([
      {
        body: {
          type: "trigger",
          triggerId: expect.stringMatching(`^ntf_disabled_${run.hook.id}_`),
        },
      },
    ]);
  });

  it("429 with retry-after seconds waits that long instead of the schedule", async () => {
    const run = await firstAttempt([{ status: 429, headers: { "retry-after": "120" } }]);
    const delivery = await deliveryRow(run.deliveryId);
    const [attempt] = await attemptsOf(run.deliveryId);
    const waited = Date.parse(delivery?.nextAttemptAt ?? "") - Date.parse(attempt?.startedAt ?? "");
    expect(waited).toBeGreaterThanOrEqual(120_000);
    expect(waited).toBeLessThan(122_000);
    expect(run.sent[0]?.delaySeconds).toBe(120);
    expect(attempt?.statusCode).toBe(429);
  });

  it("a retry-after shorter than the schedule's step waits the schedule's step", async () => {
    const run = await firstAttempt([{ status: 429, headers: { "retry-after": "1" } }]);
    expect(run.sent[0]?.delaySeconds).toBe(RETRY_DELAYS_SECONDS[0]);
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt?.statusCode).toBe(429);
  });

  it("503 with an HTTP-date retry-after waits until then", async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 600_000);
    const run = await firstAttempt([{ status: 503, headers: { "retry-after": at.toUTCString() } }]);
    const delivery = await deliveryRow(run.deliveryId);
    expect(Math.abs(Date.parse(delivery?.nextAttemptAt ?? "") - at.getTime())).toBeLessThan(2000);
    expect(run.sent[0]?.delaySeconds).toBeGreaterThan(595);
    expect(run.sent[0]?.delaySeconds).toBeLessThanOrEqual(601);
  });

  it("a 3xx is a failure and the redirect is not followed", async () => {
    const elsewhere = newChannel();
    const run = await firstAttempt([
      { status: 302, headers: { location: channelUrl(elsewhere) }, body: "moved" },
    ]);
    expect(await received(elsewhere)).toEqual([]);
    expect(await received(run.channel)).toHaveLength(1);
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt).toMatchObject({ statusCode: 302, error: "HTTP 302" });
    expect(await deliveryRow(run.deliveryId)).toMatchObject({ status: "pending" });
    // Its retry, and the webhook.failing notification.
    expect(run.sent.map(({ body }) => body.type)).toEqual(["deliver", "trigger"]);
  });

  it("a receiver that never answers times out (timeout configurable)", async () => {
    const run = await firstAttempt([{ hang: true }], { deps: { timeoutMs: 300 } });
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt?.statusCode).toBeNull();
    expect(attempt?.error).toBe("Timed out after 300 ms.");
    expect(attempt?.durationMs).toBeGreaterThanOrEqual(250);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({
      status: "pending",
      attemptCount: 1,
    });
  });

  it("a body dripping past the timeout keeps what arrived", async () => {
    const run = await firstAttempt([{ status: 200, body: "x".repeat(100), drip_ms: 50 }], {
      deps: { timeoutMs: 500 },
    });
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt?.statusCode).toBe(200);
    expect((attempt?.responseExcerpt ?? "").length).toBeLessThan(100);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({ status: "delivered" });
  });

  it("keeps only the first 2 KB of a large answer", async () => {
    const run = await firstAttempt([{ status: 500, body: "é".repeat(1000) + "y".repeat(100_000) }]);
    const [attempt] = await attemptsOf(run.deliveryId);
    const excerpt = attempt?.responseExcerpt ?? "";
    expect(new TextEncoder().encode(excerpt).length).toBeLessThanOrEqual(2048 + 2);
    expect(excerpt.startsWith("é".repeat(1000))).toBe(true);
  });

  it("a refused connection is a failed attempt with an error", async () => {
    const run = await firstAttempt([], { url: "http://127.0.0.1:9/hooks/closed" });
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt?.statusCode).toBeNull();
    expect(attempt?.error).toMatch(/^Request failed/);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({ status: "pending" });
  });

  it("a secret it cannot decrypt (SECRETS_KEY changed) is a failed attempt, retried, not a stuck claim", async () => {
    const run = await firstAttempt([{ status: 200 }], { deps: { secretsKey: "another key" } });
    expect(await received(run.channel)).toEqual([]);
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt).toMatchObject({ attempt: 1, statusCode: null });
    expect(attempt?.error).toMatch(/^The request could not be prepared \(\w+\)\.$/);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({
      status: "pending",
      attemptCount: 1,
      lockedUntil: null,
    });
    expect(run.sent).toEqual([
      { body: { type: "deliver", deliveryId: run.deliveryId }, delaySeconds: expect.any(Number) },
      { body: { type: "trigger", triggerId: expect.stringMatching(/^ntf_failing_/) } },
    ]);
  });

  it("re-checks the target at send time: a now-refused URL is not called", async () => {
    const run = await firstAttempt([{ status: 200 }], {
      deps: { targets: { allowHttp: false, allowPrivate: true } },
    });
    expect(await received(run.channel)).toEqual([]);
    const [attempt] = await attemptsOf(run.deliveryId);
    expect(attempt?.error).toMatch(/^Target refused: Only https/);
    const privateOnly = await firstAttempt([{ status: 200 }], {
      deps: { targets: { allowHttp: true, allowPrivate: false } },
    });
    expect(await received(privateOnly.channel)).toEqual([]);
    expect((await attemptsOf(privateOnly.deliveryId))[0]?.error).toMatch(/private, loopback/);
  });

  it("chains a wait longer than the queue's 12 h delay limit: sent on again, attempted when due", async () => {
    const run = await firstAttempt([{ status: 500 }, { status: 500 }, { status: 204 }]);
    await afterFailedAttempts(run.deliveryId, 6);
    const start = Date.now();
    const seventh = recordingDeps({ random: () => 0.5, now: () => start });
    await attemptDelivery(seventh.deps, run.deliveryId);
    // The 7th failure waits 14 h (jitter pinned to none); the queue carries at most 12 h.
    expect(RETRY_DELAYS_SECONDS[6]).toBe(14 * 3600);
    expect(seventh.sent).toEqual([
      { body: { type: "deliver", deliveryId: run.deliveryId }, delaySeconds: 12 * 3600 },
    ]);
    const due = Date.parse((await deliveryRow(run.deliveryId))?.nextAttemptAt ?? "");
    expect(due - start).toBe(14 * 3600 * 1000);

    const early = recordingDeps({ now: () => start + 12 * 3600 * 1000 });
    await handleMessage(early.deps, { type: "deliver", deliveryId: run.deliveryId });
    expect(await received(run.channel)).toHaveLength(2);
    expect(early.sent).toEqual([
      { body: { type: "deliver", deliveryId: run.deliveryId }, delaySeconds: 2 * 3600 },
    ]);

    const onTime = recordingDeps({ now: () => due });
    await handleMessage(onTime.deps, { type: "deliver", deliveryId: run.deliveryId });
    expect(await received(run.channel)).toHaveLength(3);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({
      status: "delivered",
      attemptCount: 8,
    });
  });

  it("fails the delivery after the 10th attempt", async () => {
    const run = await firstAttempt([{ status: 500 }]);
    await afterFailedAttempts(run.deliveryId, 9);
    const last = recordingDeps();
    expect(await attemptDelivery(last.deps, run.deliveryId)).toEqual({
      kind: "failed",
      attempt: 10,
    });
    expect(await deliveryRow(run.deliveryId)).toMatchObject({
      status: "failed",
      attemptCount: 10,
      nextAttemptAt: null,
    });
    expect(last.sent).toEqual([]);
    expect((await received(run.channel)).map((r) => r.headers["x-weft-attempt"])).toEqual([
      "1",
      "10",
    ]);
  });

  it("disables a webhook failing for more than 5 days", async () => {
    /** The first attempt fails, for a webhook whose attempts have all failed since `since`. */
    async function failingSince(since: string) {
      const run = await firstAttempt([{ status: 500 }, { status: 500 }]);
      // Time travel: the webhook has been failing since then (its first failure starts the clock).
      await env.DB.prepare("UPDATE webhooks SET failing_since = ? WHERE id = ?")
        .bind(since, run.hook.id)
        .run();
      await attemptDelivery(recordingDeps({ now: () => Date.now() + 6000 }).deps, run.deliveryId);
      expect(await attemptsOf(run.deliveryId)).toHaveLength(2);
      return webhookRow(run.hook.id);
    }
    const sixDaysAgo = new Date(Date.now() - 6 * 86400_000).toISOString();
    expect(await failingSince(sixDaysAgo)).toMatchObject({
      enabled: false,
      disabledReason: "failing",
      failingSince: sixDaysAgo,
    });
    const oneDayAgo = new Date(Date.now() - 86400_000).toISOString();
    expect(await failingSince(oneDayAgo)).toMatchObject({
      enabled: true,
      failingSince: oneDayAgo,
    });
  });

  it("a delivery whose webhook was disabled meanwhile fails without a request", async () => {
    const run = await firstAttempt([{ status: 500 }, { status: 200 }]);
    const disabled = await api(
      "PATCH",
      `/v1/integrations/${run.world.integration.id}/webhooks/${run.hook.id}`,
      { key: run.world.key, body: { enabled: false } },
    );
    expect(disabled.status).toBe(200);
    const later = recordingDeps({ now: () => Date.now() + 6000 });
    await handleMessage(later.deps, { type: "deliver", deliveryId: run.deliveryId });
    expect(await received(run.channel)).toHaveLength(1);
    expect(await deliveryRow(run.deliveryId)).toMatchObject({
      status: "failed",
      attemptCount: 2,
    });
    expect((await attemptsOf(run.deliveryId))[1]?.error).toMatch(/disabled/);
  });

  it("a claimed delivery is not attempted twice at once", async () => {
    const run = await firstAttempt([{ status: 500 }, { status: 200, delay_ms: 300 }]);
    const later = recordingDeps({ now: () => Date.now() + 6000 });
    const outcomes = await Promise.all([
      attemptDelivery(later.deps, run.deliveryId),
      attemptDelivery(later.deps, run.deliveryId),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["delivered", "skipped"]);
    expect(await received(run.channel)).toHaveLength(2);
  });
});
