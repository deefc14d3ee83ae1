/**
 * The `date` filter: an ISO 8601 date or date-time string, formatted in UTC. Always UTC and never
 * the clock or a locale, so the API's preview and the queue consumer render the same text.
 *
 * Format tokens: YYYY (year), MM (month 01-12), DD (day), HH (hour 00-23), mm (minute),
 * ss (second); any other character is copied. The whole format "ISO" gives
 * `2026-03-01T23:30:00.000Z`.
 */

const TOKENS = ["YYYY", "MM", "DD", "HH", "mm", "ss"] as const;
type Token = (typeof TOKENS)[number];

/** Date, then optional time with optional seconds, fraction and offset; no offset means UTC. */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** `value` formatted, or null when it is not a date (so `| default: ...` can stand in). */
export function formatDate(value: unknown, format: string): string | null {
  const date = typeof value === "string" ? parseIsoDate(value) : null;
  if (date === null) return null;
  if (format === "ISO") return date.toISOString();
  const parts: Record<Token, string> = {
    YYYY: String(date.getUTCFullYear()).padStart(4, "0"),
    MM: two(date.getUTCMonth() + 1),
    DD: two(date.getUTCDate()),
    HH: two(date.getUTCHours()),
    mm: two(date.getUTCMinutes()),
    ss: two(date.getUTCSeconds()),
  };
  let out = "";
  for (let i = 0; i < format.length; ) {
    const token = TOKENS.find((t) => format.startsWith(t, i));
    out += token ? parts[token] : format[i];
    i += token ? token.length : 1;
  }
  return out;
}

/** The instant an ISO 8601 string names, or null for anything else (2026-02-30 included). */
function parseIsoDate(text: string): Date | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((n) => Number(n ?? 0));
  const millis = Number((match[7] ?? "0").padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute, second, millis);
  const offset = match[8] ?? "Z";
  if (offset !== "Z" && offset !== "z") {
    const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})$/.exec(offset) ?? [];
    if (Number(hours) > 23 || Number(minutes) > 59) return null;
    const offsetMs = (Number(hours) * 60 + Number(minutes)) * 60_000;
    date.setTime(date.getTime() - (sign === "+" ? offsetMs : -offsetMs));
  }
  // An offset can carry 0000-01-01 or 9999-12-31 out of the four-digit years.
  const outYear = date.getUTCFullYear();
  return outYear >= 0 && outYear <= 9999 ? date : null;
}

const two = (n: number) => String(n).padStart(2, "0");
