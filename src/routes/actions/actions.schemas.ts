import { z } from "@hono/zod-openapi";
import { WEBHOOK_METHODS } from "../../lib/types";
import { AttendeeUidParams } from "../attendees/attendees.schemas";
import { EventUidParams } from "../events/events.schemas";

export const MANUAL_ACTION_EXAMPLE = {
  webhook_id: "whk_3b5d7f9h1j2l4n6p8r0t",
  name: "Print badge",
  method: "POST",
};

export const ManualActionSchema = z
  .object({
    webhook_id: z.string().openapi({ description: "The manual webhook to run (`whk_...`)." }),
    name: z.string().openapi({ description: "The webhook's name: the action's label." }),
    method: z.enum(WEBHOOK_METHODS),
  })
  .openapi("ManualAction", { example: MANUAL_ACTION_EXAMPLE });

const webhookId = z.string().openapi({
  param: { name: "webhook_id", in: "path" },
  description: "The manual webhook to fire (`whk_...`), as listed by the actions of this item.",
  example: "whk_3b5d7f9h1j2l4n6p8r0t",
});

export const EventActionParams = EventUidParams.extend({ webhook_id: webhookId });
export const AttendeeActionParams = AttendeeUidParams.extend({ webhook_id: webhookId });
