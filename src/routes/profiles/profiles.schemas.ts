import { z } from "@hono/zod-openapi";
import { Timestamp } from "../common.schemas";

export const ProfileSchema = z
  .object({
    uid: z.string().openapi({ example: "prf_2k8x4m1q9c7w3z5b0n6j" }),
    name: z.string().openapi({ example: "Acme Conferences" }),
    active_integration_id: z.string().nullable().openapi({
      description: "The integration whose webhooks fire for this profile's events (§4), if any.",
      example: "int_7c2m9x4q1w8z3b5n0k6j",
    }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Profile");

const ProfileName = z.string().trim().min(1).max(200).openapi({ example: "Acme Conferences" });

export const CreateProfileBody = z
  .strictObject({ name: ProfileName })
  .openapi("CreateProfile", { example: { name: "Acme Conferences" } });

export const UpdateProfileBody = z
  .strictObject({ name: ProfileName.optional() })
  .openapi("UpdateProfile", { example: { name: "Acme Summits" } });

export const ProfileUidParams = z.object({
  uid: z
    .string()
    .openapi({ param: { name: "uid", in: "path" }, example: "prf_2k8x4m1q9c7w3z5b0n6j" }),
});
