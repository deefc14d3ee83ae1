import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin } from "../../auth/guards";
import { pageMeta } from "../../domain/pagination";
import { serializeProfile } from "../../domain/profile";
import type { AppEnv } from "../../env";
import * as profiles from "../../services/profiles";
import type * as routes from "./profiles.routes";

export const createProfile: RouteHandler<typeof routes.createProfile, AppEnv> = async (c) => {
  const profile = await profiles.createProfile(c.get("deps"), requireAdmin(c), c.req.valid("json"));
  return c.json({ data: serializeProfile(profile) }, 201);
};

export const listProfiles: RouteHandler<typeof routes.listProfiles, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { rows, total } = await profiles.listAccountProfiles(c.get("deps"), requireAdmin(c), query);
  return c.json({ data: rows.map(serializeProfile), meta: pageMeta(query, total) }, 200);
};

export const getProfile: RouteHandler<typeof routes.getProfile, AppEnv> = async (c) => {
  const profile = await profiles.getProfile(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").uid,
  );
  return c.json({ data: serializeProfile(profile) }, 200);
};

export const updateProfile: RouteHandler<typeof routes.updateProfile, AppEnv> = async (c) => {
  const accountId = requireAdmin(c);
  const { uid } = c.req.valid("param");
  const profile = await profiles.patchProfile(c.get("deps"), accountId, uid, c.req.valid("json"));
  return c.json({ data: serializeProfile(profile) }, 200);
};

export const deleteProfile: RouteHandler<typeof routes.deleteProfile, AppEnv> = async (c) => {
  await profiles.deleteProfile(c.get("deps"), requireAdmin(c), c.req.valid("param").uid);
  return c.body(null, 204);
};

export const getProfileFieldMapping: RouteHandler<
  typeof routes.getProfileFieldMapping,
  AppEnv
> = async (c) => {
  const profile = await profiles.getProfile(
    c.get("deps"),
    requireAdmin(c),
    c.req.valid("param").uid,
  );
  return c.json({ data: { field_mapping: profile.fieldMapping } }, 200);
};

export const putProfileFieldMapping: RouteHandler<
  typeof routes.putProfileFieldMapping,
  AppEnv
> = async (c) => {
  const accountId = requireAdmin(c);
  const { field_mapping } = c.req.valid("json");
  await profiles.putProfileFieldMapping(
    c.get("deps"),
    accountId,
    c.req.valid("param").uid,
    field_mapping,
  );
  return c.json({ data: { field_mapping } }, 200);
};
