/** Times are stored and shown as RFC 3339 UTC strings with milliseconds, so they sort as text. */

// The Workers clock stands still while code runs (it moves between I/O), so a request asks for
// the same instant several times (the key's check, the row, its trigger): formatted once.
let lastMs = Number.NaN;
let lastIso = "";

/** The instant `ms` (milliseconds since the epoch) in the stored form. */
export function iso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** `at` moved by `seconds` (may be negative). */
export function addSeconds(at: string, seconds: number): string {
  return iso(Date.parse(at) + seconds * 1000);
}

/** Normalises any RFC 3339 string (an offset, no milliseconds) to the stored form. */
export function toStoredTime(rfc3339: string): string {
  return iso(Date.parse(rfc3339));
}
