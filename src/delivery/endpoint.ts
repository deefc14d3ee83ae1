import { claimDueOfWebhook, type DeliveryRow } from "../db/queries/deliveries";
import { setWebhookState, type WebhookRow, webhookById } from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { DEFAULT_CONCURRENCY } from "../domain/webhook";
import { errorName } from "../lib/log";
import { iso } from "../lib/time";
import {
  DUE_GRACE_MS,
  LOCK_SECONDS,
  RETRY_AFTER_STATUSES,
  recordAttempts,
  type SentAttempt,
  sendAttempt,
} from "./attempt";
import {
  admits,
  afterVerdict,
  type Breaker,
  CLOSED,
  resumed,
  shownChanged,
  type Verdict,
} from "./breaker";
import { isSuccess, WebhookOpener } from "./request";
import { retryAfterSeconds } from "./retry-schedule";
import { available, type Bucket, fullBucket, nextTokenAt, refill, take } from "./token-bucket";

/**
 * The scheduler of one webhook's deliveries (README "Receiving webhooks", "How delivery works").
 * It runs inside that webhook's ENDPOINT Durable Object, so a slow, hanging or failing receiver
 * holds up only its own deliveries. The delivery log (D1) is its work list: each round claims the
 * webhook's due deliveries, as many as the endpoint's limits allow right now (concurrency,
 * `max_per_second`, the breaker, per-subject order), sends them, and records the attempts of the
 * sends in flight together once they have answered (or after a short window); a recorded answer
 * frees a slot and starts the next round. Retries come back as `deliver` messages on the queue (a
 * durable timer), and the sweeper wakes an endpoint whose due deliveries nobody took.
 */

/** Where the scheduler keeps what outlives a request: the Durable Object, or memory in tests. */
export type EndpointHost = {
  loadBreaker(): Promise<Breaker | undefined>;
  saveBreaker(breaker: Breaker): Promise<void>;
  /** Run a round again at `at` (milliseconds since the epoch), unless one is set earlier. */
  wakeAt(at: number): Promise<void>;
};

/**
 * Claimed deliveries kept ready beyond the free slots, so a busy endpoint claims once per few
 * answers instead of once per answer. Small enough that a ready delivery is sent well within its
 * claim (LOCK_SECONDS), even behind requests that run into the timeout.
 */
const READY_TARGET = DEFAULT_CONCURRENCY;

/**
 * How long an answer waits for the other sends in flight before it is recorded without them.
 * Short: until written, an answer lives only in this object's memory (as it did during the write).
 */
const RECORD_WINDOW_MS = 10;

export class EndpointScheduler {
  private inFlight = 0;
  private breaker: Breaker | undefined;
  private bucket: Bucket | undefined;
  /** The webhook as last read (with each claim). */
  private webhook: WebhookRow | undefined;
  private read = false;
  /** Claimed, not yet sent, oldest change first; ids of those and of those in flight. */
  private ready: DeliveryRow[] = [];
  private held = new Set<string>();
  private running: Promise<void> | undefined;
  private again = false;
  private waiting: Array<() => void> = [];
  /** Answers gathered for the next record, written together (`gathered`: write once allowed). */
  private nextRecord:
    | { attempts: SentAttempt[]; written: Promise<void>; gathered: () => void }
    | undefined;
  /** Sends started and not yet handed to a record (answered and judged). */
  private unrecorded = 0;
  private writing: Promise<void> = Promise.resolve();
  /** The webhook's secrets decrypted and imported, kept while they are unchanged. */
  private readonly opener = new WebhookOpener();

  constructor(
    private readonly deps: Deps,
    private readonly host: EndpointHost,
    readonly webhookId: string,
    /** How long an answer waits for the others in flight (RECORD_WINDOW_MS; tests set their own). */
    private readonly recordWindowMs = RECORD_WINDOW_MS,
  ) {}

  /** Sends what is due and allowed now; resolves once the requests are on their way. */
  pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          await this.round();
        } while (this.again);
      } catch (error) {
        // D1 unreachable, say: the deliveries stay pending and the sweeper wakes us again.
        this.deps.log.error("endpoint round failed", {
          webhook_id: this.webhookId,
          error: errorName(error),
        });
      } finally {
        this.running = undefined;
        this.notifyIfIdle();
      }
    };
    this.running = run();
    return this.running;
  }

  /** Resolves once nothing runs, is in flight or waits to be recorded (the tests' inline endpoints). */
  settled(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async round(): Promise<void> {
    const now = this.deps.now();
    const breaker = await this.currentBreaker(now);
    if (breaker.state === "paused") {
      // What was claimed stays pending in D1; its claim runs out before the pause does, or soon after.
      this.release(this.ready.splice(0));
      await this.host.wakeAt(breaker.pausedUntil ?? now);
      return;
    }
    const slots = admits(breaker, now, DEFAULT_CONCURRENCY) - this.inFlight;
    if (slots <= 0) return; // an answer frees a slot and pumps again
    if (!this.read) {
      // The first round reads the webhook alone: its order and rate decide the claim.
      this.webhook = (await webhookById(this.deps.db, this.webhookId))[0];
      this.read = true;
    }
    const rate = this.webhook?.maxPerSecond ?? null;
    let sendable = slots;
    if (rate) {
      this.bucket = refill(this.bucket ?? fullBucket(rate, now), now, rate);
      sendable = Math.min(sendable, available(this.bucket));
    } else this.bucket = undefined;
    // Claim when the ready ones run low: what the slots take now and a reserve for the next answers.
    if (this.ready.length <= READY_TARGET / 2) {
      await this.claim(now, sendable + READY_TARGET - this.ready.length);
    }
    const sending = this.ready.splice(0, Math.max(0, sendable));
    for (const delivery of sending) this.start(delivery);
    if (this.bucket) {
      this.bucket = take(this.bucket, sending.length);
      // Held back by the rate: come back when the next token is there.
      if (this.ready.length > 0) await this.host.wakeAt(nextTokenAt(this.bucket));
    }
  }

  /** Claims up to `limit` due deliveries (reading the webhook beside them: one round trip). */
  private async claim(now: number, limit: number): Promise<void> {
    const [webhooks, claimed] = await Promise.all([
      webhookById(this.deps.db, this.webhookId),
      claimDueOfWebhook(this.deps.deliveriesDb, this.webhookId, {
        now: iso(now),
        dueBy: iso(now + DUE_GRACE_MS),
        lockUntil: iso(now + LOCK_SECONDS * 1000),
        limit,
        ordered: this.webhook?.ordering === "per_subject",
      }),
    ]);
    this.webhook = webhooks[0];
    for (const delivery of claimed) {
      // Already ours (ready or in flight, its claim renewed): never twice.
      if (this.held.has(delivery.id)) continue;
      this.held.add(delivery.id);
      this.ready.push(delivery);
    }
  }

  /** Sends one claimed delivery; records it and judges the endpoint when it answers. */
  private start(delivery: DeliveryRow): void {
    this.inFlight++;
    this.unrecorded++;
    let handed = false;
    const work = async () => {
      const webhook = this.webhook;
      const sent = await sendAttempt(this.deps, delivery, webhook, this.opener);
      // Gone: the ones still ready fail without a request (the record disables the webhook).
      if (webhook && sent.sent.statusCode === 410) this.webhook = { ...webhook, enabled: false };
      await this.judge(verdictOf(sent, this.deps.now()));
      handed = true;
      await this.record(sent);
    };
    work()
      .catch((error) => {
        if (!handed) this.handedOver();
        // Not recorded: the claim runs out and the sweeper wakes us for it again.
        this.deps.log.error("endpoint attempt not recorded", {
          webhook_id: this.webhookId,
          delivery_id: delivery.id,
          error: errorName(error),
        });
      })
      .finally(() => {
        this.inFlight--;
        this.release([delivery]);
        void this.pump();
      });
  }

  /**
   * Records an answered attempt together with the other sends in flight: the group is written
   * once each of them has answered, or `recordWindowMs` after the first answer, whichever comes
   * first, and never before the write before it (group commit: one write per round of sends
   * instead of one per few answers; an answer waits at most the window and that write).
   */
  private record(sent: SentAttempt): Promise<void> {
    if (!this.nextRecord) {
      const attempts: SentAttempt[] = [];
      let gathered!: () => void;
      const window = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.recordWindowMs);
        gathered = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      const written = Promise.all([this.writing, window]).then(() => {
        this.nextRecord = undefined;
        return recordAttempts(this.deps, attempts, this.webhook);
      });
      this.nextRecord = { attempts, written, gathered };
      this.writing = written.catch(() => {});
    }
    this.nextRecord.attempts.push(sent);
    this.handedOver();
    return this.nextRecord.written;
  }

  /** One send fewer to wait for: when none is left, the group being gathered is complete. */
  private handedOver(): void {
    this.unrecorded--;
    if (this.unrecorded === 0) this.nextRecord?.gathered();
  }

  private release(deliveries: readonly DeliveryRow[]): void {
    for (const { id } of deliveries) this.held.delete(id);
  }

  private idle(): boolean {
    return !this.running && this.inFlight === 0;
  }

  private async currentBreaker(now: number): Promise<Breaker> {
    this.breaker ??= (await this.host.loadBreaker()) ?? CLOSED;
    const current = resumed(this.breaker, now);
    if (current !== this.breaker) await this.setBreaker(current);
    return current;
  }

  private async judge(verdict: Verdict): Promise<void> {
    const now = this.deps.now();
    await this.setBreaker(afterVerdict(await this.currentBreaker(now), verdict, now));
  }

  /** Keeps the breaker and, when what the webhook shows changes, writes it there. */
  private async setBreaker(next: Breaker): Promise<void> {
    const before = this.breaker ?? CLOSED;
    this.breaker = next;
    if (before === next) return;
    await this.host.saveBreaker(next);
    if (!shownChanged(before, next)) return;
    const shown = {
      state: next.state,
      pausedUntil: next.pausedUntil === null ? null : iso(next.pausedUntil),
      stateReason: next.reason,
    };
    this.deps.log.warn("endpoint state", {
      webhook_id: this.webhookId,
      state: shown.state,
      paused_until: shown.pausedUntil ?? undefined,
      reason: shown.stateReason ?? undefined,
    });
    await setWebhookState(this.deps.db, this.webhookId, shown);
  }

  private notifyIfIdle(): void {
    if (!this.idle()) return;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/** What an attempt says about its endpoint (the breaker's input). */
export function verdictOf(
  attempt: {
    webhookEnabled: boolean;
    sent: { statusCode: number | null; retryAfter: string | null };
  },
  now: number,
): Verdict {
  const { statusCode, retryAfter } = attempt.sent;
  if (!attempt.webhookEnabled) return { kind: "neutral" };
  if (isSuccess(statusCode)) return { kind: "success" };
  if (statusCode !== null && RETRY_AFTER_STATUSES.has(statusCode)) {
    const seconds = retryAfterSeconds(retryAfter, now);
    if (seconds !== null) return { kind: "slow_down", seconds };
  }
  // No answer, a timeout, a 5xx, 408 or 429: the endpoint. Another 4xx is about this request.
  if (statusCode === null || statusCode >= 500 || statusCode === 408 || statusCode === 429) {
    return { kind: "failure" };
  }
  return { kind: "neutral" };
}

/** Wakes the endpoints of these webhooks (each once). */
export async function wakeEndpoints(deps: Deps, webhookIds: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(webhookIds)].map((id) => deps.endpoints.wake(id)));
}
