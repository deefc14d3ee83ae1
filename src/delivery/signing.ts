import { fromBase64, toBase64 } from "../lib/encoding";

const SECRET_PREFIX = "whsec_";

/** The HMAC key bytes of a `whsec_<base64>` secret (Standard Webhooks). */
export function secretBytes(secret: string): Uint8Array {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return fromBase64(encoded);
}

/** A secret's HMAC-SHA256 key, imported once to sign many (the endpoint keeps it: request.ts). */
export function signingKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    secretBytes(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/** One `v1,<base64 HMAC-SHA256>` signature of `{id}.{timestamp}.{body}`, with Web Crypto only. */
export async function sign(
  secret: string | CryptoKey,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = typeof secret === "string" ? await signingKey(secret) : secret;
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${id}.${timestamp}.${body}`),
  );
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/**
 * The `webhook-signature` header: one signature per valid secret (or its imported key),
 * space-separated (the current one first, then the previous one during its grace period).
 */
export async function signatureHeader(
  secrets: readonly (string | CryptoKey)[],
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const signatures = await Promise.all(secrets.map((secret) => sign(secret, id, timestamp, body)));
  return signatures.join(" ");
}
