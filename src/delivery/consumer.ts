import type { QueueMessage } from "./messages";

/** The TRIGGERS queue consumer (filled in by the delivery work). */
export async function handleQueue(
  batch: MessageBatch<QueueMessage>,
  _env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  batch.ackAll();
}
