/** The current time as an RFC 3339 UTC string with milliseconds. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** `iso` moved by `seconds` (may be negative). */
export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

/** Normalises any RFC 3339 string to the stored form (UTC, milliseconds). */
export function toStoredTime(rfc3339: string): string {
  return new Date(rfc3339).toISOString();
}
