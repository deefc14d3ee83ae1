import { fromBase64, toBase64 } from "./encoding";

// Ciphertexts are "v1:<base64(iv || AES-GCM ciphertext+tag)>"; the version leaves room for key rotation.
const VERSION = "v1";
const IV_BYTES = 12;

const keyCache = new Map<string, Promise<CryptoKey>>();

/** The AES-256-GCM key derived from the SECRETS_KEY secret (any string; SHA-256 gives 32 bytes). */
function keyFor(secretsKey: string): Promise<CryptoKey> {
  let key = keyCache.get(secretsKey);
  if (!key) {
    key = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(secretsKey))
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    keyCache.set(secretsKey, key);
  }
  return key;
}

/** Encrypts a webhook header value, signing secret or replayable response for storage. */
export async function encryptSecret(secretsKey: string, plaintext: string): Promise<string> {
  if (!secretsKey) throw new Error("SECRETS_KEY is not set");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await keyFor(secretsKey),
    new TextEncoder().encode(plaintext),
  );
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return `${VERSION}:${toBase64(out)}`;
}

export async function decryptSecret(secretsKey: string, stored: string): Promise<string> {
  const [version, payload] = stored.split(":", 2);
  if (version !== VERSION || !payload) throw new Error("unknown ciphertext format");
  const bytes = fromBase64(payload);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES) },
    await keyFor(secretsKey),
    bytes.subarray(IV_BYTES),
  );
  return new TextDecoder().decode(plain);
}
