import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import type { AppEnv } from "../../env";
import * as activation from "../../services/activation";
import type * as routes from "./activation.routes";

export const getActivation: RouteHandler<typeof routes.getActivation, AppEnv> = async (c) => {
  const data = await activation.getActivation(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").uid,
  );
  return c.json({ data }, 200);
};

export const activate: RouteHandler<typeof routes.activate, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const { uid } = c.req.valid("param");
  const data = await c
    .get("deps")
    .locks.activate(accountId, uid, c.req.valid("json").integration_id);
  return c.json({ data }, 200);
};

export const deactivate: RouteHandler<typeof routes.deactivate, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const data = await c.get("deps").locks.deactivate(accountId, c.req.valid("param").uid);
  return c.json({ data }, 200);
};
