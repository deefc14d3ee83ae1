import { createApp } from "./app";

export { ProfileLock } from "./durable-objects/profile-lock";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
