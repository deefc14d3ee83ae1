import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { pageMeta } from "../../domain/pagination";
import { serializeWebhook } from "../../domain/webhook";
import type { AppEnv } from "../../env";
import type { WebhookMethod } from "../../lib/types";
import { previewWebhook as preview } from "../../services/webhook-preview";
import * as webhooks from "../../services/webhooks";
import type * as routes from "./webhooks.routes";

export const createWebhook: RouteHandler<typeof routes.createWebhook, AppEnv> = async (c) => {
  const owner = { accountId: requireAdmin(c), integrationId: c.req.valid("param").id };
  const { row, secret } = await webhooks.createWebhook(c.get("deps"), owner, c.req.valid("json"));
  return c.json({ data: { ...serializeWebhook(row), secret } }, 201);
};

export const listWebhooks: RouteHandler<typeof routes.listWebhooks, AppEnv> = async (c) => {
  const owner = { accountId: requireAdmin(c), integrationId: c.req.valid("param").id };
  const query = c.req.valid("query");
  const { items, total } = await webhooks.listIntegrationWebhooks(c.get("deps"), owner, query);
  return c.json({ data: items.map(serializeWebhook), meta: pageMeta(query, total) }, 200);
};

export const getWebhook: RouteHandler<typeof routes.getWebhook, AppEnv> = async (c) => {
  const { id, webhook_id } = c.req.valid("param");
  const row = await webhooks.getWebhook(
    c.get("deps"),
    { accountId: requireAdmin(c), integrationId: id },
    webhook_id,
  );
  return c.json({ data: serializeWebhook(row) }, 200);
};

export const updateWebhook: RouteHandler<typeof routes.updateWebhook, AppEnv> = async (c) => {
  const { id, webhook_id } = c.req.valid("param");
  const row = await webhooks.updateWebhookFields(
    c.get("deps"),
    { accountId: requireAdmin(c), integrationId: id },
    webhook_id,
    c.req.valid("json"),
  );
  return c.json({ data: serializeWebhook(row) }, 200);
};

export const deleteWebhook: RouteHandler<typeof routes.deleteWebhook, AppEnv> = async (c) => {
  const { id, webhook_id } = c.req.valid("param");
  await webhooks.removeWebhook(
    c.get("deps"),
    { accountId: requireAdmin(c), integrationId: id },
    webhook_id,
  );
  return c.body(null, 204);
};

export const rotateSecret: RouteHandler<typeof routes.rotateSecret, AppEnv> = async (c) => {
  const { id, webhook_id } = c.req.valid("param");
  const secret = await webhooks.rotateWebhookSecret(
    c.get("deps"),
    { accountId: requireAdmin(c), integrationId: id },
    webhook_id,
  );
  return c.json({ data: { secret } }, 200);
};

export const previewWebhook: RouteHandler<typeof routes.previewWebhook, AppEnv> = async (c) => {
  const { id, webhook_id } = c.req.valid("param");
  const request = await preview(
    c.get("deps"),
    { accountId: requireAdmin(c), integrationId: id },
    webhook_id,
    c.req.valid("json"),
  );
  return c.json({ data: { ...request, method: request.method as WebhookMethod } }, 200);
};
