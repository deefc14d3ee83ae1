/**
 * Each webhook's endpoint (README "Receiving webhooks"): one `ENDPOINT` Durable Object per
 * webhook schedules that webhook's deliveries (concurrency, `max_per_second`, the breaker,
 * per-subject order), so a slow or failing receiver holds up only its own deliveries. The
 * delivery log in D1 is its work list: waking it says "you may have due deliveries". Callers and
 * tests see only this interface.
 */
export interface Endpoints {
  /** Tells the webhook's endpoint to send what is due; returns without waiting for the sends. */
  wake(webhookId: string): Promise<void>;
}
