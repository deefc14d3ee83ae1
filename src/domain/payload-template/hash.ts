import { md5 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/**
 * MD5 and SHA-256 of a string's UTF-8 bytes, as lower-case hex, from @noble/hashes (audited,
 * pure JS, synchronous): rendering is synchronous, and Web Crypto's digest is not. TextEncoder
 * replaces a lone surrogate with U+FFFD, as Web Crypto's callers do; the tests compare both.
 */

const encoder = new TextEncoder();

/** MD5 is broken for security; it is here because Mailchimp names list members by it. */
export const md5Hex = (text: string): string => bytesToHex(md5(encoder.encode(text)));

export const sha256Hex = (text: string): string => bytesToHex(sha256(encoder.encode(text)));
