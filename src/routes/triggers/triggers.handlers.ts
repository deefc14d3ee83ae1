import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { serializeDelivery } from "../../domain/delivery";
import { pageMeta } from "../../domain/pagination";
import { serializeTrigger } from "../../domain/trigger";
import type { AppEnv } from "../../env";
import { toStoredTime } from "../../lib/time";
import * as triggers from "../../services/triggers";
import type * as routes from "./triggers.routes";

export const listTriggers: RouteHandler<typeof routes.listTriggers, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const query = c.req.valid("query");
  const { rows, total } = await triggers.listTriggers(
    c.get("deps"),
    {
      accountId,
      eventId: query.event_uid,
      subjectUid: query.subject_uid,
      trigger: query.type,
      outcome: query.outcome,
      since: query.since && toStoredTime(query.since),
    },
    query,
  );
  return c.json({ data: rows.map(serializeTrigger), meta: pageMeta(query, total) }, 200);
};

export const getTrigger: RouteHandler<typeof routes.getTrigger, AppEnv> = async (c) => {
  const { trigger, deliveries } = await triggers.getTrigger(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").id,
  );
  return c.json(
    { data: { ...serializeTrigger(trigger), deliveries: deliveries.map(serializeDelivery) } },
    200,
  );
};
