import { z } from "@hono/zod-openapi";
import { WEBHOOK_METHODS } from "../../lib/types";
import { MAX_BULK_ATTENDEES } from "../../services/actions";
import { AttendeeUidParams } from "../attendees/attendees.schemas";
import { DeliverySchema } from "../deliveries/deliveries.schemas";
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

export const RunOnAttendeesBody = z
  .strictObject({
    guest_uids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(MAX_BULK_ATTENDEES)
      .openapi({
        description: `The attendees to run it on (\`gst_...\`), 1 to ${MAX_BULK_ATTENDEES}, each an attendee of the event (a 422 names \`guest_uids.N\` otherwise, and nothing runs). A uid given twice runs once.`,
      }),
  })
  .openapi("RunActionOnAttendees", {
    example: { guest_uids: ["gst_8q3x1m7c4w9z2b5n0k6j", "gst_2c7v9b1n4m6q8w0e3r5t"] },
  });

export const RUN_ON_ATTENDEE_EXAMPLE = {
  guest_uid: "gst_8q3x1m7c4w9z2b5n0k6j",
  trigger_id: "trg_3k9w2m7q1x5c8v4b0n6z",
};

export const RunOnAttendeeSchema = z
  .object({
    guest_uid: z.string(),
    trigger_id: z
      .string()
      .openapi({ description: "The trigger it made (`GET /v1/triggers/{id}`)." }),
    delivery: DeliverySchema,
  })
  .openapi("ActionRunOnAttendee");
export const AttendeeActionParams = AttendeeUidParams.extend({ webhook_id: webhookId });
