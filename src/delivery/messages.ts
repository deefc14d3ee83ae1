/** Messages on the TRIGGERS queue. */
export type QueueMessage =
  /** A trigger recorded in the outbox: fan it out into deliveries. */
  | { type: "trigger"; triggerId: string }
  /** Send (or retry) one delivery when it is due. */
  | { type: "deliver"; deliveryId: string };

export type OutgoingMessage = { body: QueueMessage; delaySeconds?: number };

/** The part of the TRIGGERS producer delivery uses (a test can record instead of sending). */
export type MessageSender = {
  sendBatch(messages: Iterable<OutgoingMessage>): Promise<unknown>;
};

/** The longest delay a Queues message may carry (12 h); longer waits are chained. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/** Queues take at most 100 messages per `sendBatch`. */
const MAX_BATCH = 100;

export const triggerMessage = (triggerId: string): OutgoingMessage => ({
  body: { type: "trigger", triggerId },
});

export const deliverMessage = (deliveryId: string, delaySeconds?: number): OutgoingMessage => ({
  body: { type: "deliver", deliveryId },
  ...(delaySeconds === undefined ? {} : { delaySeconds }),
});

/** Sends any number of messages, at most 100 per call, one call after the other. */
export async function sendMessages(queue: MessageSender, messages: OutgoingMessage[]) {
  for (let i = 0; i < messages.length; i += MAX_BATCH) {
    await queue.sendBatch(messages.slice(i, i + MAX_BATCH));
  }
}
