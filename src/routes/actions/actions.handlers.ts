import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeDelivery } from "../../domain/delivery";
import { pageMeta } from "../../domain/pagination";
import { serializeAction } from "../../domain/webhook";
import type { AppEnv } from "../../env";
import * as actions from "../../services/actions";
import type * as routes from "./actions.routes";

export const listEventActions: RouteHandler<typeof routes.listEventActions, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const subject = { kind: "event" as const, uid: c.req.valid("param").uid };
  const { rows, total } = await actions.listActions(c.get("deps"), requireAdmin(c), subject, query);
  return c.json({ data: rows.map(serializeAction), meta: pageMeta(query, total) }, 200);
};

export const listAttendeeActions: RouteHandler<typeof routes.listAttendeeActions, AppEnv> = async (
  c,
) => {
  const query = c.req.valid("query");
  const subject = { kind: "attendee" as const, uid: c.req.valid("param").uid };
  const { rows, total } = await actions.listActions(c.get("deps"), requireAdmin(c), subject, query);
  return c.json({ data: rows.map(serializeAction), meta: pageMeta(query, total) }, 200);
};

export const runEventAction: RouteHandler<typeof routes.runEventAction, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const { uid, webhook_id } = c.req.valid("param");
  const delivery = await actions.runAction(
    c.get("deps"),
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
  const delivery = await actions.runAction(
    c.get("deps"),
    accountId,
    { kind: "attendee", uid },
    webhook_id,
  );
  return c.json({ data: serializeDelivery(delivery) }, 202);
};

export const listEventAttendeeActions: RouteHandler<
  typeof routes.listEventAttendeeActions,
  AppEnv
> = async (c) => {
  const query = c.req.valid("query");
  const subject = { kind: "event" as const, uid: c.req.valid("param").uid };
  const { rows, total } = await actions.listActions(
    c.get("deps"),
    requireAdmin(c),
    subject,
    query,
    "guest.manual",
  );
  return c.json({ data: rows.map(serializeAction), meta: pageMeta(query, total) }, 200);
};

export const runActionOnAttendees: RouteHandler<
  typeof routes.runActionOnAttendees,
  AppEnv
> = async (c) => {
  const accountId = requireAdmin(c);
  const { uid, webhook_id } = c.req.valid("param");
  const fired = await actions.runActionOnAttendees(
    c.get("deps"),
    accountId,
    uid,
    webhook_id,
    c.req.valid("json").guest_uids,
  );
  const data = fired.map(({ subjectUid, triggerId, delivery }) => ({
    guest_uid: subjectUid,
    trigger_id: triggerId,
    delivery: serializeDelivery(delivery),
  }));
  return c.json({ data }, 202);
};
