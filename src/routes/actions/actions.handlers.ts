import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { deliveryDeps } from "../../delivery/deps";
import type { AppEnv } from "../../env";
import * as deliveries from "../../services/deliveries";
import { serializeDelivery } from "../deliveries/deliveries.schemas";
import type * as routes from "./actions.routes";
import { serializeAction } from "./actions.schemas";

export const listEventActions: RouteHandler<typeof routes.listEventActions, AppEnv> = async (c) => {
  const webhooks = await deliveries.listActions(c.var.db, requireAdmin(c), {
    kind: "event",
    uid: c.req.valid("param").uid,
  });
  return c.json({ data: webhooks.map(serializeAction) }, 200);
};

export const listAttendeeActions: RouteHandler<typeof routes.listAttendeeActions, AppEnv> = async (
  c,
) => {
  const webhooks = await deliveries.listActions(c.var.db, requireAdmin(c), {
    kind: "attendee",
    uid: c.req.valid("param").uid,
  });
  return c.json({ data: webhooks.map(serializeAction) }, 200);
};

export const runEventAction: RouteHandler<typeof routes.runEventAction, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const { uid, webhook_id } = c.req.valid("param");
  const delivery = await deliveries.runAction(
    { ...deliveryDeps(c.env), db: c.var.db },
    accountId,
    { kind: "event", uid },
    webhook_id,
  );
  return c.json({ data: serializeDelivery(delivery) }, 202);
};

export const runAttendeeAction: RouteHandler<typeof routes.runAttendeeAction, AppEnv> = async (
  c,
) => {
  const accountId = requireAdmin(c);
  const { uid, webhook_id } = c.req.valid("param");
  const delivery = await deliveries.runAction(
    { ...deliveryDeps(c.env), db: c.var.db },
    accountId,
    { kind: "attendee", uid },
    webhook_id,
  );
  return c.json({ data: serializeDelivery(delivery) }, 202);
};
