import { createApp } from "./app";
import { handleQueue } from "./delivery/consumer";

export { ProfileLock } from "./durable-objects/profile-lock";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<Env, import("./delivery/messages").QueueMessage>;
