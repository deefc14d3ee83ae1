import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeAttempt, serializeDelivery } from "../../domain/delivery";
import { pageMeta } from "../../domain/pagination";
import type { AppEnv } from "../../env";
import { toStoredTime } from "../../lib/time";
import * as deliveries from "../../services/deliveries";
import type * as routes from "./deliveries.routes";

export const listDeliveries: RouteHandler<typeof routes.listDeliveries, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const query = c.req.valid("query");
  const { rows, total } = await deliveries.listIntegrationDeliveries(
    c.get("deps"),
    {
      accountId,
      integrationId: c.req.valid("param").id,
      webhookId: query.webhook_id,
      status: query.status,
      trigger: query.trigger,
      since: query.since && toStoredTime(query.since),
      updatedSince: query.updated_since && toStoredTime(query.updated_since),
    },
    query,
  );
  return c.json({ data: rows.map(serializeDelivery), meta: pageMeta(query, total) }, 200);
};

export const getDelivery: RouteHandler<typeof routes.getDelivery, AppEnv> = async (c) => {
  const { delivery, attempts } = await deliveries.getDelivery(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
  );
  return c.json(
    { data: { ...serializeDelivery(delivery), attempts: attempts.map(serializeAttempt) } },
    200,
  );
};

export const redeliverDelivery: RouteHandler<typeof routes.redeliverDelivery, AppEnv> = async (
  c,
) => {
  const accountId = requireAdmin(c);
  const delivery = await deliveries.redeliver(c.get("deps"), accountId, c.req.valid("param").id);
  return c.json({ data: serializeDelivery(delivery) }, 202);
};

export const recoverDeliveries: RouteHandler<typeof routes.recoverDeliveries, AppEnv> = async (
  c,
) => {
  const accountId = requireAdmin(c);
  const { id, webhook_id } = c.req.valid("param");
  const ids = await deliveries.recover(
    c.get("deps"),
    { accountId, integrationId: id },
    webhook_id,
    toStoredTime(c.req.valid("json").since),
  );
  return c.json({ data: { count: ids.length, delivery_ids: ids } }, 202);
};
