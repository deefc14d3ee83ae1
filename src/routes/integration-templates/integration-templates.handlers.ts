import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeTemplate } from "../../domain/integration-templates";
import { pageMeta } from "../../domain/pagination";
import type { AppEnv } from "../../env";
import * as templates from "../../services/integration-templates";
import type * as routes from "./integration-templates.routes";

export const listTemplates: RouteHandler<typeof routes.listTemplates, AppEnv> = async (c) => {
  requireAdmin(c);
  const query = c.req.valid("query");
  const { items, total } = templates.listTemplates(query);
  return c.json({ data: items.map(serializeTemplate), meta: pageMeta(query, total) }, 200);
};

export const getTemplate: RouteHandler<typeof routes.getTemplate, AppEnv> = async (c) => {
  requireAdmin(c);
  return c.json({ data: serializeTemplate(templates.getTemplate(c.req.valid("param").id)) }, 200);
};
