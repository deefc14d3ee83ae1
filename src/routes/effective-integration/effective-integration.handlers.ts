import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import type { AppEnv } from "../../env";
import { getEffectiveIntegration as effectiveOf } from "../../services/effective-integration";
import type * as routes from "./effective-integration.routes";

export const getEffectiveIntegration: RouteHandler<
  typeof routes.getEffectiveIntegration,
  AppEnv
> = async (c) => {
  const data = await effectiveOf(c.get("deps"), requireAdmin(c), c.req.valid("param").uid);
  return c.json({ data }, 200);
};
