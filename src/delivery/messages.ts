/** Messages on the TRIGGERS queue. */
export type QueueMessage =
  /** A trigger recorded in the outbox: fan it out into deliveries. */
  | { type: "trigger"; triggerId: string }
  /** Send (or retry) one delivery when it is due. */
  | { type: "deliver"; deliveryId: string };
