/** Times are stored and shown as RFC 3339 UTC strings with milliseconds, so they sort as text. */

/** The instant `ms` (milliseconds since the epoch) in the stored form. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `at` moved by `seconds` (may be negative). */
export function addSeconds(at: string, seconds: number): string {
  return iso(Date.parse(at) + seconds * 1000);
}

/** Normalises any RFC 3339 string (an offset, no milliseconds) to the stored form. */
export function toStoredTime(rfc3339: string): string {
  return iso(Date.parse(rfc3339));
}
