import { z } from "@hono/zod-openapi";

export const ActivateBody = z
  .strictObject({
    integration_id: z.string().min(1).max(64).openapi({ example: "int_5t8w1q3z9x0c2v4b6n7m" }),
  })
  .openapi("ActivateIntegration", { example: { integration_id: "int_5t8w1q3z9x0c2v4b6n7m" } });

export const ActiveIntegrationSchema = z
  .object({
    profile_uid: z.string(),
    integration_id: z.string().nullable(),
  })
  .openapi("ActiveIntegration", {
    example: {
      profile_uid: "prf_8k2m4n6p0q1r3s5t7u9v",
      integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
    },
  });

export const ActivationSchema = z
  .object({
    profile_uid: z.string(),
    integration_id: z.string().nullable(),
    replaced_integration_id: z.string().nullable().openapi({
      description:
        "The integration active right before this request took effect (the same id when it already was, null when none was).",
    }),
  })
  .openapi("Activation", {
    example: {
      profile_uid: "prf_8k2m4n6p0q1r3s5t7u9v",
      integration_id: "int_5t8w1q3z9x0c2v4b6n7m",
      replaced_integration_id: "int_0a9s8d7f6g5h4j3k2l1z",
    },
  });
