import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin, scopeFor } from "../../auth/guards";
import { serializeEvent } from "../../domain/event";
import { pageMeta } from "../../domain/pagination";
import type { AppEnv } from "../../env";
import * as events from "../../services/events";
import type * as routes from "./events.routes";

export const createEvent: RouteHandler<typeof routes.createEvent, AppEnv> = async (c) => {
  const event = await events.createEvent(c.get("deps"), requireAdmin(c), c.req.valid("json"));
  return c.json({ data: serializeEvent(event) }, 201);
};

export const listEvents: RouteHandler<typeof routes.listEvents, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const scope = scopeFor(c, "events:read");
  const { rows, total } = await events.listReadableEvents(c.get("deps"), scope, query);
  return c.json({ data: rows.map(serializeEvent), meta: pageMeta(query, total) }, 200);
};

export const getEvent: RouteHandler<typeof routes.getEvent, AppEnv> = async (c) => {
  const scope = scopeFor(c, "events:read");
  const event = await events.getReadableEvent(c.get("deps"), scope, c.req.valid("param").uid);
  return c.json({ data: serializeEvent(event) }, 200);
};

export const updateEvent: RouteHandler<typeof routes.updateEvent, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const event = await events.patchEvent(
    c.get("deps"),
    accountId,
    c.req.valid("param").uid,
    c.req.valid("json"),
  );
  return c.json({ data: serializeEvent(event) }, 200);
};

export const deleteEvent: RouteHandler<typeof routes.deleteEvent, AppEnv> = async (c) => {
  await events.deleteEvent(c.get("deps"), requireAdmin(c), c.req.valid("param").uid);
  return c.body(null, 204);
};

export const getEventFields: RouteHandler<typeof routes.getEventFields, AppEnv> = async (c) => {
  const scope = scopeFor(c, "events:read");
  const event = await events.getReadableEvent(c.get("deps"), scope, c.req.valid("param").uid);
  return c.json({ data: event.fields }, 200);
};
