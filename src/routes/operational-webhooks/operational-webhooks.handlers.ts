import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeDelivery } from "../../domain/delivery";
import { serializeOperationalWebhook } from "../../domain/operational";
import { pageMeta } from "../../domain/pagination";
import type { AppEnv } from "../../env";
import { toStoredTime } from "../../lib/time";
import * as operational from "../../services/operational-webhooks";
import type * as routes from "./operational-webhooks.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

export const createOperationalWebhook: Handler<"createOperationalWebhook"> = async (c) => {
  const { row, secret } = await operational.createOperationalWebhook(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("json"),
  );
  return c.json({ data: { ...serializeOperationalWebhook(row), secret } }, 201);
};

export const listOperationalWebhooks: Handler<"listOperationalWebhooks"> = async (c) => {
  const query = c.req.valid("query");
  const { rows, total } = await operational.listOperationalWebhooks(
    c.get("deps"),
    requireAdmin(c),
    query,
  );
  return c.json({ data: rows.map(serializeOperationalWebhook), meta: pageMeta(query, total) }, 200);
};

export const getOperationalWebhook: Handler<"getOperationalWebhook"> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await operational.getOperationalWebhook(c.get("deps"), requireAdmin(c), id);
  return c.json({ data: serializeOperationalWebhook(row) }, 200);
};

export const updateOperationalWebhook: Handler<"updateOperationalWebhook"> = async (c) => {
  const { id } = c.req.valid("param");
  const row = await operational.updateOperationalWebhook(
    c.get("deps"),
    requireAdmin(c),
    id,
    c.req.valid("json"),
  );
  return c.json({ data: serializeOperationalWebhook(row) }, 200);
};

export const deleteOperationalWebhook: Handler<"deleteOperationalWebhook"> = async (c) => {
  const { id } = c.req.valid("param");
  await operational.removeOperationalWebhook(c.get("deps"), requireAdmin(c), id);
  return c.body(null, 204);
};

export const rotateOperationalSecret: Handler<"rotateOperationalSecret"> = async (c) => {
  const { id } = c.req.valid("param");
  const secret = await operational.rotateOperationalSecret(c.get("deps"), requireAdmin(c), id);
  return c.json({ data: { secret } }, 200);
};

export const listOperationalDeliveries: Handler<"listOperationalDeliveries"> = async (c) => {
  const { page, page_size, status, since } = c.req.valid("query");
  const { rows, total } = await operational.listOperationalDeliveries(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
    { status, since: since && toStoredTime(since) },
    { page, page_size },
  );
  return c.json(
    { data: rows.map(serializeDelivery), meta: pageMeta({ page, page_size }, total) },
    200,
  );
};
