import { describe, expect, it } from "vitest";
import {
  deliverMessage,
  type OutgoingMessage,
  sendMessages,
  triggerMessage,
} from "../../src/delivery/messages";

describe("sendMessages", () => {
  it("sends any number of messages in calls of at most 100 (the Queues limit), in order", async () => {
    const calls: OutgoingMessage[][] = [];
    const queue = {
      async sendBatch(batch: Iterable<OutgoingMessage>) {
        const messages = [...batch];
        if (messages.length > 100) throw new Error("Queues refuse more than 100 messages");
        calls.push(messages);
      },
    };
    const messages = Array.from({ length: 250 }, (_, n) =>
      n % 2 ? deliverMessage(`dlv_${n}`, 30) : triggerMessage(`trg_${n}`),
    );
    await sendMessages(queue, messages);
    expect(calls.map((call) => call.length)).toEqual([100, 100, 50]);
    expect(calls.flat()).toEqual(messages);
    expect(messages.slice(0, 2)).toEqual([
      { body: { type: "trigger", triggerId: "trg_0" } },
      { body: { type: "deliver", deliveryId: "dlv_1" }, delaySeconds: 30 },
    ]);
    await sendMessages(queue, []);
    expect(calls).toHaveLength(3);
  });
});
