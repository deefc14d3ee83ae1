import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import type { AppEnv } from "../../env";
import * as preview from "../../services/mapping-preview";
import type * as routes from "./mapping-preview.routes";

export const previewMapping: RouteHandler<typeof routes.previewMapping, AppEnv> = async (c) => {
  const data = await preview.previewMapping(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
    c.req.valid("json"),
  );
  return c.json({ data }, 200);
};
