import { z } from "@hono/zod-openapi";

export const ActivateBody = z
  .strictObject({
    integration_id: z.string().min(1).max(64).openapi({
      description: "The integration to activate; it must list this profile in `profile_uids`.",
    }),
  })
  .openapi("ActivateIntegration", { example: { integration_id: "int_5t8w1q3z9x0c2v4b6n7m" } });

export const ACTIVE_INTEGRATION_EXAMPLE = {
  profile_uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
};

export const ActiveIntegrationSchema = z
  .object({
    profile_uid: z.string(),
    integration_id: z.string().nullable().openapi({ description: "Null when none is active." }),
  })
  .openapi("ActiveIntegration", { example: ACTIVE_INTEGRATION_EXAMPLE });

export const ACTIVATION_EXAMPLE = {
  ...ACTIVE_INTEGRATION_EXAMPLE,
  replaced_integration_id: "int_0a9s8d7f6g5h4j3k2l1z",
};

export const DEACTIVATION_EXAMPLE = {
  profile_uid: "prf_2k8x4m1q9c7w3z5b0n6j",
  integration_id: null,
  replaced_integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
};

export const ActivationSchema = z
  .object({
    profile_uid: z.string(),
    integration_id: z
      .string()
      .nullable()
      .openapi({ description: "Active from now on; null after a deactivation." }),
    replaced_integration_id: z.string().nullable().openapi({
      description:
        "The integration active right before this request took effect (the same id when it already was, null when none was).",
    }),
  })
  .openapi("Activation", { example: ACTIVATION_EXAMPLE });
