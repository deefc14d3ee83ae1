import type { RouteHandler, z } from "@hono/zod-openapi";
import { requireAdmin, scopeFor } from "../../auth/guards";
import { serializeAttendee } from "../../domain/attendee";
import { pageMeta } from "../../domain/pagination";
import type { AppEnv } from "../../env";
import * as attendees from "../../services/attendees";
import type * as routes from "./attendees.routes";
import type { AttendeeSchema } from "./attendees.schemas";

// The serializer builds an open record (form fields are dynamic keys); the schema describes it.
const asBody = (value: Record<string, unknown>) => value as z.infer<typeof AttendeeSchema>;

const presentOptions = (query: { fields?: string; ignore_fields_mapping?: string }) => ({
  ignoreMapping: query.ignore_fields_mapping === "1" || query.ignore_fields_mapping === "true",
  only: attendees.parseFieldSelection(query.fields),
});

export const createAttendee: RouteHandler<typeof routes.createAttendee, AppEnv> = async (c) => {
  const created = await attendees.createAttendee(
    c.get("deps"),
    scopeFor(c, "attendees:write"),
    c.req.valid("json"),
  );
  return c.json({ data: asBody(created.body) }, 201);
};

export const listAttendees: RouteHandler<typeof routes.listAttendees, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const scope = scopeFor(c, "attendees:read");
  const { items, total, routing } = await attendees.listReadableAttendees(
    c.get("deps"),
    scope,
    query,
  );
  const options = { ...presentOptions(query), routing };
  const data = attendees.presentAttendees(scope, items, options);
  return c.json({ data: data.map(asBody), meta: pageMeta(query, total) }, 200);
};

export const getAttendee: RouteHandler<typeof routes.getAttendee, AppEnv> = async (c) => {
  const scope = scopeFor(c, "attendees:read");
  const item = await attendees.getReadableAttendee(c.get("deps"), scope, c.req.valid("param").uid);
  const [body] = attendees.presentAttendees(scope, [item], {
    ...presentOptions(c.req.valid("query")),
    routing: item.routing,
  });
  return c.json({ data: asBody(body) }, 200);
};

export const updateAttendee: RouteHandler<typeof routes.updateAttendee, AppEnv> = async (c) => {
  const updated = await attendees.patchAttendee(
    c.get("deps"),
    scopeFor(c, "attendees:write"),
    c.req.valid("param").uid,
    c.req.valid("json"),
  );
  return c.json({ data: asBody(serializeAttendee(updated.attendee, updated.event)) }, 200);
};

export const deleteAttendee: RouteHandler<typeof routes.deleteAttendee, AppEnv> = async (c) => {
  await attendees.deleteAttendee(c.get("deps"), requireAdmin(c), c.req.valid("param").uid);
  return c.body(null, 204);
};

export const addPayment: RouteHandler<typeof routes.addPayment, AppEnv> = async (c) => {
  const paid = await attendees.addPayment(
    c.get("deps"),
    scopeFor(c, "attendees:write"),
    c.req.valid("param").uid,
    c.req.valid("json"),
  );
  return c.json({ data: asBody(serializeAttendee(paid.attendee, paid.event)) }, 200);
};
