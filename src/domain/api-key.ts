import type { ApiKeyRow } from "../db/queries/api-keys";
import { sha256Hex } from "../lib/encoding";
import { DEFAULT_KEY_SCOPES, type KeyScope } from "../lib/types";

/** A key as lists show it: never the secret (only its creation answer carries `key`). */
export function serializeKey(row: ApiKeyRow) {
  return {
    id: row.id,
    prefix: row.prefix,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
    scopes: scopesOf(row),
  };
}

/** What a key may do: an integration key its scopes (read-only before scopes existed), an admin key everything (null). */
export function scopesOf(row: Pick<ApiKeyRow, "kind" | "scopes">): KeyScope[] | null {
  if (row.kind === "admin") return null;
  return row.scopes ?? [...DEFAULT_KEY_SCOPES];
}

export const KEY_PREFIX = { admin: "wft_admin_", integration: "wft_live_" } as const;
export type KeyKind = keyof typeof KEY_PREFIX;

/** base64url without padding: safe in headers and shells. */
function randomToken(byteLength: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(byteLength));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A new secret key (32 random bytes), its SHA-256 hash for storage and a displayable prefix. */
export async function generateKey(kind: KeyKind) {
  const secret = KEY_PREFIX[kind] + randomToken(32);
  return { secret, hash: await hashKey(secret), prefix: displayPrefix(secret) };
}

export function hashKey(secret: string): Promise<string> {
  return sha256Hex(secret);
}

/** The kind prefix and four characters: enough to recognise a key, useless to guess it. */
export function displayPrefix(secret: string): string {
  const kind = secret.startsWith(KEY_PREFIX.admin) ? KEY_PREFIX.admin : KEY_PREFIX.integration;
  return secret.slice(0, kind.length + 4);
}

/** base64url of 32 bytes, as `generateKey` makes them: anything else is not a key of Weft's. */
const KEY_BODY = /^[A-Za-z0-9_-]{43}$/;

/** Whether `secret` has the form of a key (its prefix, then 43 base64url characters). */
export function isWellFormedKey(secret: string): boolean {
  const kind = kindOf(secret);
  return kind !== null && KEY_BODY.test(secret.slice(KEY_PREFIX[kind].length));
}

export function kindOf(secret: string): KeyKind | null {
  if (secret.startsWith(KEY_PREFIX.admin)) return "admin";
  if (secret.startsWith(KEY_PREFIX.integration)) return "integration";
  return null;
}

/** Compares two strings in time independent of where they differ. */
export async function safeEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}
