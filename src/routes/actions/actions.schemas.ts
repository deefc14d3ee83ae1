import { z } from "@hono/zod-openapi";
import { WEBHOOK_METHODS } from "../../lib/types";
import { AttendeeUidParams } from "../attendees/attendees.schemas";
import { EventUidParams } from "../events/events.schemas";

export const ManualActionSchema = z
  .object({
    webhook_id: z.string(),
    name: z.string().openapi({ description: "The webhook's name: the action's label." }),
    method: z.enum(WEBHOOK_METHODS),
  })
  .openapi("ManualAction", {
    example: { webhook_id: "whk_1a3c5e7g9i0k2m4o6q8s", name: "Send badge", method: "POST" },
  });

const webhookId = z.string().openapi({
  param: { name: "webhook_id", in: "path" },
  example: "whk_1a3c5e7g9i0k2m4o6q8s",
});

export const EventActionParams = EventUidParams.extend({ webhook_id: webhookId });
export const AttendeeActionParams = AttendeeUidParams.extend({ webhook_id: webhookId });
