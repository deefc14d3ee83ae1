import { z } from "@hono/zod-openapi";
import type { MappingPreviewInput } from "../../services/mapping-preview";
import { ATTENDEE_EXAMPLE, AttendeeReadSchema } from "../attendees/attendees.schemas";
import { FieldMappingSchema } from "../field-mapping.schemas";

const draft = (level: string) =>
  FieldMappingSchema.optional().openapi({
    description: `Stands in for the ${level} mapping in this preview only.`,
  });

export const MappingPreviewBody = z
  .strictObject({
    attendee_uid: z.string().openapi({
      description: "The attendee to show (`gst_...`); any attendee of the account.",
      example: ATTENDEE_EXAMPLE.uid,
    }),
    field_mapping: z
      .strictObject({
        account: draft("account's"),
        integration: draft("integration's"),
        profile: draft("attendee's profile's"),
        event: draft(
          "event override's; it is taken as an override of this integration (as if its `integration_id` were this one or null)",
        ),
      })
      .optional()
      .openapi({
        description:
          "Unsaved mappings by level; a level left out uses what is stored. Nothing is saved.",
      }),
    mapping_mode: z.enum(["merge", "replace"]).optional().openapi({
      description:
        "The event level's mode in this preview (as the override's `mapping_mode`); default the stored override's, else merge.",
    }),
  })
  .openapi("MappingPreviewRequest", {
    example: {
      attendee_uid: ATTENDEE_EXAMPLE.uid,
      field_mapping: {
        integration: [
          { name: "contact_email", mapped_to: "email" },
          { name: "source", value: "weft" },
        ],
      },
    },
  }) satisfies z.ZodType<MappingPreviewInput>;

export const MAPPING_PREVIEW_EXAMPLE = {
  attendee_uid: ATTENDEE_EXAMPLE.uid,
  event_uid: ATTENDEE_EXAMPLE.event_uid,
  field_mapping: [
    { name: "contact_email", mapped_to: "email" },
    { name: "source", value: "weft" },
  ],
  payload: { contact_email: "jane@example.com", source: "weft" },
  webhooks_apply: true,
  key_reads: true,
};

export const MappingPreviewSchema = z
  .object({
    attendee_uid: z.string(),
    event_uid: z.string(),
    field_mapping: FieldMappingSchema.openapi({
      description:
        "The effective mapping: account -> integration -> profile -> event override, merged by `name` (empty: the whole native attendee).",
    }),
    payload: AttendeeReadSchema.openapi({
      description:
        "The attendee as this integration's key reads it (`GET /v1/attendees/{uid}`) and as its `guest.*` webhooks send it.",
    }),
    webhooks_apply: z.boolean().openapi({
      description:
        "Whether this integration's webhooks fire for the attendee's event now: its webhooks are on, it is the event's override's integration or the profile's active one, and the override does not switch webhooks off.",
    }),
    key_reads: z.boolean().openapi({
      description:
        "Whether this integration's keys with `attendees:read` can read the attendee: API access is on and the attendee's profile is linked.",
    }),
  })
  .openapi("MappingPreview", { example: MAPPING_PREVIEW_EXAMPLE });
