import { z } from "@hono/zod-openapi";
import { Timestamp } from "../common.schemas";

export const PROFILE_EXAMPLE = {
  uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  name: "Acme Conferences",
  active_integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
  fire_on_payment: false,
  created_at: "2026-05-01T09:00:00.000Z",
  updated_at: "2026-05-01T09:30:00.000Z",
};

export const ProfileSchema = z
  .object({
    uid: z.string().openapi({ description: "`prf_...`" }),
    name: z.string(),
    active_integration_id: z.string().nullable().openapi({
      description:
        "The integration whose webhooks fire for this profile's events (see Activation); null when none is active.",
    }),
    fire_on_payment: z.boolean().openapi({
      description:
        "Whether a payment fires `guest.update` (with `x-weft-cause: payment`) for the profile's events; an event's override may say otherwise.",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Profile", { example: PROFILE_EXAMPLE });

const ProfileName = z.string().trim().min(1).max(200).openapi({ example: "Acme Conferences" });

const FireOnPayment = z.boolean().openapi({
  description:
    "Whether a payment fires `guest.update` for the profile's events (an event's override may say otherwise). Default false.",
});

export const CreateProfileBody = z
  .strictObject({ name: ProfileName, fire_on_payment: FireOnPayment.optional() })
  .openapi("CreateProfile", { example: { name: "Acme Conferences" } });

export const UpdateProfileBody = z
  .strictObject({ name: ProfileName.optional(), fire_on_payment: FireOnPayment.optional() })
  .openapi("UpdateProfile", { example: { name: "Acme Summits", fire_on_payment: true } });

export const ProfileUidParams = z.object({
  uid: z.string().openapi({
    param: { name: "uid", in: "path" },
    description: "The profile's uid (`prf_...`).",
    example: "prf_2k8x4m1q9c7w3z5b0n6j",
  }),
});
