import { env } from "cloudflare:workers";
import { buildKey } from "../../src/services/keys";

/**
 * An integration linked to `profileUids` with one live key, written straight into D1 so these
 * tests do not depend on the integrations routes.
 */
export async function integrationKey(
  accountId: string,
  profileUids: string[],
  options: { apiAccess?: boolean } = {},
) {
  const now = new Date().toISOString();
  const integrationId = `int_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const key = await buildKey("integration", { accountId, integrationId }, now);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO integrations (id, account_id, name, api_access, webhooks_enabled,
        fixed_configuration, field_mapping, created_at, updated_at)
       VALUES (?, ?, 'Test integration', ?, 1, '{"fields":[]}', '[]', ?, ?)`,
    ).bind(integrationId, accountId, options.apiAccess === false ? 0 : 1, now, now),
    ...profileUids.map((uid) =>
      env.DB.prepare(
        "INSERT INTO integration_profiles (integration_id, profile_id) VALUES (?, ?)",
      ).bind(integrationId, uid),
    ),
    env.DB.prepare(
      `INSERT INTO api_keys (id, account_id, kind, integration_id, hash, prefix, created_at)
       VALUES (?, ?, 'integration', ?, ?, ?, ?)`,
    ).bind(key.row.id, accountId, integrationId, key.row.hash, key.row.prefix, now),
  ]);
  return { integrationId, key: key.secret };
}

/** The rows of the outbox for one entity, oldest first. */
export async function triggersFor(entityUid: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM triggers WHERE entity_uid = ? ORDER BY created_at, rowid",
  )
    .bind(entityUid)
    .all<{ trigger: string; snapshot: string; cause: string | null; event_id: string }>();
  return results.map((row) => ({ ...row, snapshot: JSON.parse(row.snapshot) }));
}
