import { z } from "@hono/zod-openapi";
import { WEBHOOK_METHODS } from "../../lib/types";

export const ManualActionSchema = z
  .object({
    webhook_id: z.string(),
    name: z.string().openapi({ description: "The webhook's name: the action's label." }),
    method: z.enum(WEBHOOK_METHODS),
  })
  .openapi("ManualAction", {
    example: { webhook_id: "whk_1a3c5e7g9i0k2m4o6q8s", name: "Send badge", method: "POST" },
  });

const uid = (example: string) =>
  z.string().openapi({ param: { name: "uid", in: "path" }, example });
const webhookId = z.string().openapi({
  param: { name: "webhook_id", in: "path" },
  example: "whk_1a3c5e7g9i0k2m4o6q8s",
});

export const EventActionsParams = z.object({ uid: uid("evt_2b4d6f8h0j1l3n5p7r9t") });
export const AttendeeActionsParams = z.object({ uid: uid("gst_8s6q4o2m0k9i7g5e3c1a") });
export const EventActionParams = EventActionsParams.extend({ webhook_id: webhookId });
export const AttendeeActionParams = AttendeeActionsParams.extend({ webhook_id: webhookId });

export function serializeAction(row: { id: string; name: string; method: string }) {
  return {
    webhook_id: row.id,
    name: row.name,
    method: row.method as (typeof WEBHOOK_METHODS)[number],
  };
}
