import { createApp } from "./app";
import { handleQueue } from "./delivery/consumer";
import { handleScheduled } from "./scheduled";

export { Endpoint } from "./durable-objects/endpoint/object";
export { ProfileLock } from "./durable-objects/profile-lock/object";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env, import("./delivery/messages").QueueMessage>;
