import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeKey } from "../../domain/api-key";
import { serializeIntegration } from "../../domain/integration";
import { pageMeta } from "../../domain/pagination";
import { serializeWebhook } from "../../domain/webhook";
import type { AppEnv } from "../../env";
import * as keys from "../../services/integration-keys";
import * as integrations from "../../services/integrations";
import type * as routes from "./integrations.routes";

export const createIntegration: RouteHandler<typeof routes.createIntegration, AppEnv> = async (
  c,
) => {
  const { integration, webhooks } = await integrations.createIntegration(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("json"),
  );
  const created = webhooks?.map(({ row, secret }) => ({ ...serializeWebhook(row), secret }));
  return c.json({ data: { ...serializeIntegration(integration), webhooks: created } }, 201);
};

export const listIntegrations: RouteHandler<typeof routes.listIntegrations, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { items, total } = await integrations.listAccountIntegrations(
    c.get("deps"),
    requireAdmin(c),
    query,
  );
  return c.json({ data: items.map(serializeIntegration), meta: pageMeta(query, total) }, 200);
};

export const getIntegration: RouteHandler<typeof routes.getIntegration, AppEnv> = async (c) => {
  const row = await integrations.getIntegration(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
  );
  return c.json({ data: serializeIntegration(row) }, 200);
};

export const updateIntegration: RouteHandler<typeof routes.updateIntegration, AppEnv> = async (
  c,
) => {
  const row = await integrations.updateIntegrationFields(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
    c.req.valid("json"),
  );
  return c.json({ data: serializeIntegration(row) }, 200);
};

export const deleteIntegration: RouteHandler<typeof routes.deleteIntegration, AppEnv> = async (
  c,
) => {
  await integrations.deleteIntegration(c.get("deps"), requireAdmin(c), c.req.valid("param").id);
  return c.body(null, 204);
};

export const createKey: RouteHandler<typeof routes.createKey, AppEnv> = async (c) => {
  const key = await keys.createIntegrationKey(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
    c.req.valid("json"),
  );
  return c.json({ data: { ...serializeKey(key.row), key: key.secret } }, 201);
};

export const listKeys: RouteHandler<typeof routes.listKeys, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { rows, total } = await keys.listIntegrationKeys(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
    query,
  );
  return c.json({ data: rows.map(serializeKey), meta: pageMeta(query, total) }, 200);
};

export const rotateKey: RouteHandler<typeof routes.rotateKey, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const { id, key_id } = c.req.valid("param");
  const { grace_seconds } = c.req.valid("json");
  const key = await keys.rotateIntegrationKey(c.get("deps"), accountId, id, key_id, grace_seconds);
  return c.json({ data: { ...serializeKey(key.row), key: key.secret } }, 201);
};

export const revokeKey: RouteHandler<typeof routes.revokeKey, AppEnv> = async (c) => {
  const { id, key_id } = c.req.valid("param");
  await keys.revokeIntegrationKey(c.get("deps"), requireAdmin(c), id, key_id);
  return c.body(null, 204);
};
