import { z } from "@hono/zod-openapi";
import { SILENCE_REASONS } from "../../domain/routing";
import { TRIGGERS, WEBHOOK_METHODS } from "../../lib/types";
import { FormFieldSchema } from "../events/events.schemas";

const WebhookSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    method: z.enum(WEBHOOK_METHODS),
    url: z.string(),
  })
  .openapi("WebhookSummary");

const SilenceReason = z.enum(SILENCE_REASONS).openapi("SilenceReason", {
  description:
    "Why nothing is sent: no integration applies (`no_active_integration`), its webhooks are off (`integration_webhooks_disabled`), the event's override switched them off (`event_webhooks_disabled`), a payment where `fire_on_payment` is off (`payment_not_enabled`), no webhook for the trigger (`no_webhook_for_trigger`), none covering the event (`event_not_in_event_uids`), or only disabled ones (`webhook_disabled`).",
});

const MAPPING_LEVELS = ["account", "integration", "profile", "event"] as const;

const LevelledMappingEntry = z
  .object({
    name: z.string(),
    mapped_to: z.string().optional(),
    value: z.unknown().optional(),
    level: z.enum(MAPPING_LEVELS).openapi({
      description:
        "Where the entry was set: a later level replaces an earlier entry of the same name.",
    }),
  })
  .openapi("LevelledMappingEntry");

export const EFFECTIVE_INTEGRATION_EXAMPLE = {
  event_uid: "evt_5n2c8x1m4q7w9z3b0k6j",
  profile_uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  integration: {
    id: "int_5t8w1q3z9x0c2v4b6n7m",
    name: "CRM sync",
    api_access: true,
    webhooks_enabled: true,
  },
  source: "profile",
  override: null,
  fire_on_payment: { enabled: false, level: "profile" },
  field_mapping: [
    { name: "contact_email", mapped_to: "email", level: "integration" },
    { name: "source", value: "weft", level: "account" },
  ],
  locked_fields: [
    { name: "cpy_vat_number", label: "VAT", type: "text", required: true, locked: true },
  ],
  triggers: [
    {
      trigger: "guest.create",
      outcome: "fires",
      webhooks: [
        {
          id: "whk_3m6q9x2c5v8b1n4k7z0w",
          name: "New registrations",
          method: "POST",
          url: "https://crm.example.com/hooks/weft",
        },
      ],
      skipped: [],
    },
    { trigger: "guest.delete", outcome: "no_webhook_for_trigger", webhooks: [], skipped: [] },
  ],
};

export const EffectiveIntegrationSchema = z
  .object({
    event_uid: z.string(),
    profile_uid: z.string(),
    integration: z
      .object({
        id: z.string(),
        name: z.string(),
        api_access: z.boolean(),
        webhooks_enabled: z.boolean(),
      })
      .nullable()
      .openapi({ description: "The integration that applies; null when none does." }),
    source: z.enum(["profile", "override"]).nullable().openapi({
      description:
        "Where it comes from: the profile's active integration, or the event's override naming another.",
    }),
    override: z
      .object({
        integration_id: z.string().nullable(),
        mapping_mode: z.enum(["merge", "replace"]),
        fire_on_payment: z.boolean().nullable(),
        webhooks_enabled: z.boolean(),
      })
      .nullable()
      .openapi({ description: "The event's override as stored, if it has one." }),
    fire_on_payment: z
      .object({ enabled: z.boolean(), level: z.enum(["profile", "event"]) })
      .openapi({
        description:
          "Whether a payment fires `guest.update`, and whether the event or its profile says so.",
      }),
    field_mapping: z.array(LevelledMappingEntry).openapi({
      description:
        "The mapping attendees get for this integration at this event (its keys' reads, its `guest.*` webhooks), account -> integration -> profile -> event merged by name (or the event's alone with `mapping_mode: replace`); empty: the whole native attendee.",
    }),
    locked_fields: z.array(FormFieldSchema).openapi({
      description: "The form fields the integration's fixed configuration locks on this event.",
    }),
    triggers: z
      .array(
        z.object({
          trigger: z.enum(TRIGGERS),
          outcome: z.union([z.literal("fires"), SilenceReason]).openapi({
            description:
              "`fires` when a change (or, for `*.manual`, an organiser's action) would send `webhooks`; else why nothing would be sent.",
          }),
          webhooks: z.array(WebhookSummary),
          skipped: z.array(WebhookSummary.extend({ reason: SilenceReason })).openapi({
            description:
              "The integration's webhooks for this trigger that would not fire here, with why.",
          }),
        }),
      )
      .openapi({ description: "Every trigger, in a fixed order." }),
  })
  .openapi("EffectiveIntegration", { example: EFFECTIVE_INTEGRATION_EXAMPLE });
