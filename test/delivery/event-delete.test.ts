import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { eventOverrides, triggers } from "../../src/db/schema";
import { handleMessage } from "../../src/delivery/consumer";
import { sweep } from "../../src/delivery/sweeper";
import { createIntegration, createWebhook, createWorld } from "../factories";
import { api } from "../helpers/api";
import { channelUrl, db, newChannel, received, testDeps } from "./seed";

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
    const deleted = (
      await db.select().from(triggers).where(eq(triggers.entityUid, event.uid))
    ).find((t) => t.trigger === "event.delete");
    expect(deleted).toBeDefined();
    const { deps } = testDeps();
    await handleMessage(deps, { type: "trigger", triggerId: deleted?.id ?? "" });

    const [request] = await received(overrideChannel);
    expect(request?.headers["x-weft-trigger"]).toBe("event.delete");
    expect(JSON.parse(request?.body ?? "{}")).toMatchObject({ uid: event.uid, name: event.name });
    expect(await received(activeChannel)).toEqual([]);

    // The override outlives its event until retention, then goes.
    await sweep(deps);
    expect(
      await db.select().from(eventOverrides).where(eq(eventOverrides.eventId, event.uid)),
    ).toHaveLength(1);
    await env.DB.prepare("UPDATE event_overrides SET updated_at = ? WHERE event_id = ?")
      .bind(new Date(Date.now() - 31 * 86_400_000).toISOString(), event.uid)
      .run();
    await sweep(deps);
    expect(
      await db.select().from(eventOverrides).where(eq(eventOverrides.eventId, event.uid)),
    ).toEqual([]);
  });
});
