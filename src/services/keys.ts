import type { ApiKeyRow } from "../db/queries/api-keys";
import { generateKey, type KeyKind } from "../domain/api-key";
import { newId } from "../lib/ids";
import { DEFAULT_KEY_SCOPES, type KeyScope } from "../lib/types";

/** A new key row (to insert in the caller's batch) and the secret to show once. */
export async function buildKey(
  kind: KeyKind,
  owner: { accountId: string; integrationId?: string },
  createdAt: string,
  options: { scopes?: KeyScope[]; expiresAt?: string | null } = {},
): Promise<{ row: ApiKeyRow; secret: string }> {
  const { secret, hash, prefix } = await generateKey(kind);
  const row: ApiKeyRow = {
    id: newId("key"),
    accountId: owner.accountId,
    kind,
    integrationId: owner.integrationId ?? null,
    scopes: kind === "integration" ? (options.scopes ?? [...DEFAULT_KEY_SCOPES]) : null,
    hash,
    prefix,
    createdAt,
    lastUsedAt: null,
    expiresAt: options.expiresAt ?? null,
    revokedAt: null,
  };
  return { row, secret };
}
