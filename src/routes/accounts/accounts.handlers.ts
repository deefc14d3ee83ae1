import type { RouteHandler } from "@hono/zod-openapi";
import { requireAdmin, requireBootstrap } from "../../auth/guards";
import { serializeAccount } from "../../domain/account";
import { serializeKey } from "../../domain/api-key";
import { pageMeta } from "../../domain/pagination";
import type { AppEnv } from "../../env";
import * as accounts from "../../services/accounts";
import type * as routes from "./accounts.routes";

export const createAccount: RouteHandler<typeof routes.createAccount, AppEnv> = async (c) => {
  requireBootstrap(c);
  const { account, key } = await accounts.createAccount(c.get("deps"), c.req.valid("json"));
  return c.json(
    {
      data: {
        account: serializeAccount(account),
        admin_key: { ...serializeKey(key.row), key: key.secret },
      },
    },
    201,
  );
};

export const getAccount: RouteHandler<typeof routes.getAccount, AppEnv> = async (c) => {
  const account = await accounts.getAccount(c.get("deps"), requireAdmin(c));
  return c.json({ data: serializeAccount(account) }, 200);
};

export const createAdminKey: RouteHandler<typeof routes.createAdminKey, AppEnv> = async (c) => {
  const key = await accounts.createAdminKey(c.get("deps"), requireAdmin(c));
  return c.json({ data: { ...serializeKey(key.row), key: key.secret } }, 201);
};

export const listAdminKeys: RouteHandler<typeof routes.listAdminKeys, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const { rows, total } = await accounts.listAdminKeys(c.get("deps"), requireAdmin(c), query);
  return c.json({ data: rows.map(serializeKey), meta: pageMeta(query, total) }, 200);
};

export const revokeAdminKey: RouteHandler<typeof routes.revokeAdminKey, AppEnv> = async (c) => {
  await accounts.revokeAdminKey(c.get("deps"), requireAdmin(c), c.req.valid("param").key_id);
  return c.body(null, 204);
};

export const getAccountFieldMapping: RouteHandler<
  typeof routes.getAccountFieldMapping,
  AppEnv
> = async (c) => {
  const account = await accounts.getAccount(c.get("deps"), requireAdmin(c));
  return c.json({ data: { field_mapping: account.fieldMapping } }, 200);
};

export const putAccountFieldMapping: RouteHandler<
  typeof routes.putAccountFieldMapping,
  AppEnv
> = async (c) => {
  const accountId = requireAdmin(c);
  const { field_mapping } = c.req.valid("json");
  await accounts.putAccountFieldMapping(c.get("deps"), accountId, field_mapping);
  return c.json({ data: { field_mapping } }, 200);
};
