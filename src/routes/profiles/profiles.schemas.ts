import { z } from "@hono/zod-openapi";
import { Timestamp } from "../common.schemas";

export const PROFILE_EXAMPLE = {
  uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  name: "Acme Conferences",
  active_integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
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
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Profile", { example: PROFILE_EXAMPLE });

const ProfileName = z.string().trim().min(1).max(200).openapi({ example: "Acme Conferences" });

export const CreateProfileBody = z
  .strictObject({ name: ProfileName })
  .openapi("CreateProfile", { example: { name: "Acme Conferences" } });

export const UpdateProfileBody = z
  .strictObject({ name: ProfileName.optional() })
  .openapi("UpdateProfile", { example: { name: "Acme Summits" } });

export const ProfileUidParams = z.object({
  uid: z.string().openapi({
    param: { name: "uid", in: "path" },
    description: "The profile's uid (`prf_...`).",
    example: "prf_2k8x4m1q9c7w3z5b0n6j",
  }),
});
