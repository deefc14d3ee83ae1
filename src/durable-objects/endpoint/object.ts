import { DurableObject } from "cloudflare:workers";
import type { Breaker } from "../../delivery/breaker";
import { EndpointScheduler } from "../../delivery/endpoint";
import { createDeps } from "../../deps";

const WEBHOOK_ID = "webhookId";
const BREAKER = "breaker";

/**
 * One object per webhook (`ENDPOINT.getByName(webhookId)`): hosts that webhook's
 * EndpointScheduler (delivery/endpoint.ts). Its storage keeps what must outlive an eviction (the
 * breaker, which webhook it is) and its alarm the next round it owes (a pause's end, the next
 * token of `max_per_second`); the deliveries themselves stay in D1. Callers go through
 * `endpoints(env)`.
 */
export class Endpoint extends DurableObject<Env> {
  private scheduler: EndpointScheduler | undefined;

  /** Starts a round and returns: the sends go on in this object, not in the caller. */
  async wake(webhookId: string): Promise<void> {
    const scheduler = await this.schedulerFor(webhookId);
    this.ctx.waitUntil(scheduler.pump());
  }

  override async alarm(): Promise<void> {
    const webhookId = await this.ctx.storage.get<string>(WEBHOOK_ID);
    if (webhookId) await (await this.schedulerFor(webhookId)).pump();
  }

  private async schedulerFor(webhookId: string): Promise<EndpointScheduler> {
    if (this.scheduler) return this.scheduler;
    if ((await this.ctx.storage.get<string>(WEBHOOK_ID)) !== webhookId) {
      await this.ctx.storage.put(WEBHOOK_ID, webhookId);
    }
    const { storage } = this.ctx;
    this.scheduler = new EndpointScheduler(
      createDeps(this.env, this.ctx),
      {
        loadBreaker: () => storage.get<Breaker>(BREAKER),
        saveBreaker: (breaker) => storage.put(BREAKER, breaker),
        wakeAt: async (at) => {
          const set = await storage.getAlarm();
          if (set === null || set > at) await storage.setAlarm(at);
        },
      },
      webhookId,
    );
    return this.scheduler;
  }
}
