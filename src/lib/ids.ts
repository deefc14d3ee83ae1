const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export type IdPrefix =
  | "acc"
  | "prf"
  | "evt"
  | "gst"
  | "int"
  | "key"
  | "whk"
  | "dlv"
  | "trg"
  | "att";

/** A random identifier with its type prefix, e.g. `evt_3k9x...` (20 base-36 chars, ~103 bits). */
export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % 36];
  return `${prefix}_${out}`;
}
