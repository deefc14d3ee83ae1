import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeOverride } from "../../domain/override";
import type { AppEnv } from "../../env";
import * as overrides from "../../services/overrides";
import type * as routes from "./event-overrides.routes";

export const getOverride: RouteHandler<typeof routes.getOverride, AppEnv> = async (c) => {
  const row = await overrides.getOverride(c.get("deps"), requireAdmin(c), c.req.valid("param").uid);
  return c.json({ data: serializeOverride(row) }, 200);
};

export const putOverride: RouteHandler<typeof routes.putOverride, AppEnv> = async (c) => {
  const row = await overrides.putOverride(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").uid,
    c.req.valid("json"),
  );
  return c.json({ data: serializeOverride(row) }, 200);
};

export const deleteOverride: RouteHandler<typeof routes.deleteOverride, AppEnv> = async (c) => {
  await overrides.deleteEventOverride(c.get("deps"), requireAdmin(c), c.req.valid("param").uid);
  return c.body(null, 204);
};
