import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createIntegration, createWebhook, createWorld } from "../factories";
import { api } from "../helpers/api";
import { runCron } from "../helpers/deps";
import { channelUrl, newChannel, received, receivedAtLeast } from "../helpers/receiver";

/** The event's override as stored (the API answers 404 for a deleted event's override). */
async function storedOverride(eventUid: string) {
  const { results } = await env.DB.prepare("SELECT * FROM event_overrides WHERE event_id = ?")
    .bind(eventUid)
    .all();
  return results;
}

describe("event.delete", () => {
  it("goes to the event override's integration, like the event's other triggers", async () => {
    const { key, profile, event } = await createWorld();
    const active = await createIntegration(key, { profile_uids: [profile.uid] });
    const overriding = await createIntegration(key, { profile_uids: [profile.uid] });
    const activeChannel = newChannel();
    const overrideChannel = newChannel();
    for (const [integration, channel] of [
      [active, activeChannel],
      [overriding, overrideChannel],
    ] as const) {
      await createWebhook(key, integration.id, {
        trigger: "event.delete",
        url: channelUrl(channel),
      });
    }
    await api("PUT", `/v1/profiles/${profile.uid}/integration`, {
      key,
      body: { integration_id: active.id },
    });
    await api("PUT", `/v1/events/${event.uid}/integration`, {
      key,
      body: { integration_id: overriding.id },
    });

    expect((await api("DELETE", `/v1/events/${event.uid}`, { key })).status).toBe(204);
    // The real queue carries the trigger; the fan-out is done once the override's webhook has it.
    const [request] = await receivedAtLeast(overrideChannel);
    expect(request.headers["x-weft-trigger"]).toBe("event.delete");
    expect(JSON.parse(request.body)).toMatchObject({ uid: event.uid, name: event.name });
    expect(await received(activeChannel)).toEqual([]);

    // The override outlives its event until retention, then goes.
    await runCron();
    expect(await storedOverride(event.uid)).toHaveLength(1);
    // Time travel: the override was last changed 31 days ago.
    await env.DB.prepare("UPDATE event_overrides SET updated_at = ? WHERE event_id = ?")
      .bind(new Date(Date.now() - 31 * 86_400_000).toISOString(), event.uid)
      .run();
    await runCron();
    expect(await storedOverride(event.uid)).toEqual([]);
  });
});
