import type { ApiKeyRow } from "../db/queries/api-keys";

/** A key as lists show it: never the secret (only its creation answer carries `key`). */
export function serializeKey(row: ApiKeyRow) {
  return {
    id: row.id,
    prefix: row.prefix,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
  };
}
