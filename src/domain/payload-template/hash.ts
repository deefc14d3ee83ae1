/**
 * MD5 and SHA-256 of a string's UTF-8 bytes, as lower-case hex. Written here because rendering is
 * synchronous: Web Crypto's digest is async, and `node:crypto` would bring Node's types into a
 * Worker build that does not otherwise use them. Tested against crypto.subtle.digest.
 */

const encoder = new TextEncoder();

// The inner loops rotate plain variables: destructuring there made hashing ten times slower.

/** MD5 is broken for security; it is here because Mailchimp names list members by it. */
export function md5Hex(text: string): string {
  const words = padded(encoder.encode(text), "little");
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let block = 0; block < words.length; block += 16) {
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      const sum = (a + f + MD5_K[i] + words[block + g]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + rotl(sum, MD5_S[i])) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
  }
  return h.map(littleEndianHex).join("");
}

export function sha256Hex(text: string): string {
  const words = padded(encoder.encode(text), "big");
  const h = [...SHA256_H];
  const w = new Int32Array(64);
  for (let block = 0; block < words.length; block += 16) {
    for (let i = 0; i < 64; i++) {
      if (i < 16) w[i] = words[block + i];
      else {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
      }
    }
    let a = h[0];
    let b = h[1];
    let c = h[2];
    let d = h[3];
    let e = h[4];
    let f = h[5];
    let g = h[6];
    let k = h[7];
    for (let i = 0; i < 64; i++) {
      const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, k].forEach((value, i) => {
      h[i] = (h[i] + value) | 0;
    });
  }
  return h.map((word) => (word >>> 0).toString(16).padStart(8, "0")).join("");
}

/**
 * The message padded to whole 64-byte blocks (a 1 bit, zeros, the bit length in the last 8 bytes),
 * read as 32-bit words: MD5 reads little-endian, SHA-256 big-endian.
 */
function padded(bytes: Uint8Array, order: "little" | "big"): Int32Array {
  const length = Math.ceil((bytes.length + 9) / 64) * 64;
  const buffer = new Uint8Array(length);
  buffer.set(bytes);
  buffer[bytes.length] = 0x80;
  const view = new DataView(buffer.buffer);
  const little = order === "little";
  const bits = bytes.length * 8;
  // Two 32-bit halves: strings here are far below 2^53 bits, so the high half is exact.
  const [high, low] = [Math.floor(bits / 2 ** 32), bits >>> 0];
  view.setUint32(length - (little ? 8 : 4), low, little);
  view.setUint32(length - (little ? 4 : 8), high, little);
  const words = new Int32Array(length / 4);
  for (let i = 0; i < words.length; i++) words[i] = view.getInt32(i * 4, little);
  return words;
}

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

function littleEndianHex(word: number): string {
  let hex = "";
  for (let i = 0; i < 4; i++) hex += ((word >>> (8 * i)) & 0xff).toString(16).padStart(2, "0");
  return hex;
}

/** Shift amounts per round of 16 steps, used in turn. */
const MD5_SHIFTS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
];
const MD5_S = Array.from({ length: 64 }, (_, i) => MD5_SHIFTS[i >> 4][i & 3]);

// The constants as the standards define them (RFC 1321 §3.4, FIPS 180-4 §4.2.2 and §5.3.3):
// the first 32 bits of |sin(i + 1)|, and of the fractional parts of the cube and square roots
// of the first primes. The tests compare both digests with crypto.subtle.digest.
const fraction32 = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
const MD5_K = Array.from({ length: 64 }, (_, i) => (Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
const PRIMES = firstPrimes(64);
const SHA256_K = PRIMES.map((p) => fraction32(Math.cbrt(p)));
const SHA256_H = PRIMES.slice(0, 8).map((p) => fraction32(Math.sqrt(p)));

function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let n = 2; primes.length < count; n++) {
    if (primes.every((p) => n % p !== 0)) primes.push(n);
  }
  return primes;
}
