import type { ErrorDetail } from "../errors";
import type { FormField } from "../lib/types";

// ISO 3166-1 alpha-2, officially assigned codes.
const COUNTRY_CODES = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR " +
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ " +
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW " +
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY " +
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV " +
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG " +
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

/** Whether `value` is an ISO 3166-1 alpha-2 country code, uppercase (`BE`). */
export function isCountryCode(value: string): boolean {
  return COUNTRY_CODES.has(value);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9+\s().-]*[0-9][0-9+\s().-]*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 10_000;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

function isDateValue(value: string): boolean {
  const date = DATE.exec(value);
  if (date) return isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3]));
  const time = DATE_TIME.exec(value);
  return (
    time !== null &&
    isCalendarDate(Number(time[1]), Number(time[2]), Number(time[3])) &&
    Number(time[4]) < 24 &&
    Number(time[5]) < 60 &&
    Number(time[6]) < 60
  );
}

/** Why `value` does not fit `field`'s type, or null when it does. `value` is never null here. */
export function fieldValueProblem(field: FormField, value: unknown): string | null {
  const options = new Set((field.options ?? []).map((option) => option.value));
  switch (field.type) {
    case "text":
      if (typeof value !== "string") return "Expected a string.";
      return value.length > MAX_TEXT ? `At most ${MAX_TEXT} characters.` : null;
    case "email":
      return typeof value === "string" && value.length <= 254 && EMAIL.test(value)
        ? null
        : "Expected an e-mail address.";
    case "phone":
      return typeof value === "string" && value.length <= 50 && PHONE.test(value)
        ? null
        : "Expected a phone number (digits, spaces, + ( ) - .).";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "Expected a number.";
    case "date":
      return typeof value === "string" && isDateValue(value)
        ? null
        : "Expected a date (YYYY-MM-DD) or an RFC 3339 date-time.";
    case "boolean":
      return typeof value === "boolean" ? null : "Expected true or false.";
    case "select":
      if (typeof value !== "string") return "Expected one option value (a string).";
      return options.has(value) ? null : `Unknown option "${value}".`;
    case "multiselect": {
      if (!Array.isArray(value)) return "Expected an array of option values.";
      const unknown = value.filter((item) => typeof item !== "string" || !options.has(item));
      if (unknown.length > 0) return `Unknown options: ${unknown.map(String).join(", ")}.`;
      return new Set(value).size === value.length ? null : "Each option may appear only once.";
    }
    case "country":
      return typeof value === "string" && isCountryCode(value)
        ? null
        : "Expected an ISO 3166-1 alpha-2 country code in uppercase (BE).";
  }
}

/** Whether a value counts as not given for a required field. */
function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === "string" && value.trim() === "") ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Checks an attendee's form values against the event's form: unknown field, missing required
 * field, wrong type or unknown option. One detail per problem, path `fields.<name>`.
 * A `null` value means "not given".
 */
export function validateFields(form: FormField[], values: Record<string, unknown>): ErrorDetail[] {
  const byName = new Map(form.map((field) => [field.name, field]));
  const details: ErrorDetail[] = [];
  for (const name of Object.keys(values)) {
    if (!byName.has(name)) {
      details.push({ path: `fields.${name}`, message: "Not a field of this event's form." });
    }
  }
  for (const field of form) {
    // Own values only: a field may be named like an Object property (`constructor`).
    const value = Object.hasOwn(values, field.name) ? values[field.name] : undefined;
    if (isBlank(value)) {
      if (field.required) details.push({ path: `fields.${field.name}`, message: "Required." });
      continue;
    }
    const problem = fieldValueProblem(field, value);
    if (problem) details.push({ path: `fields.${field.name}`, message: problem });
  }
  return details;
}

/**
 * The stored values after a PATCH: `patch` merged into `stored` (`null` clears a field), then
 * validated against the form. Values of fields no longer in the form are kept but not checked.
 */
export function mergeFields(
  form: FormField[],
  stored: Record<string, unknown>,
  patch: Record<string, unknown>,
): { values: Record<string, unknown>; details: ErrorDetail[] } {
  const values: Record<string, unknown> = { ...stored };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete values[name];
    else values[name] = value;
  }
  const formNames = new Set(form.map((field) => field.name));
  const checked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (formNames.has(name) || name in patch) checked[name] = value;
  }
  return { values, details: validateFields(form, checked) };
}

/** Values kept in storage: blanks dropped, so "not given" has one representation. */
export function compactFields(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== null && value !== undefined),
  );
}
