import { sweep } from "./delivery/sweeper";
import { createDeps } from "./deps";

/** The cron handler (every minute): the outbox sweeper and retention. */
export async function handleScheduled(
  _controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  await sweep(createDeps(env, ctx));
}
