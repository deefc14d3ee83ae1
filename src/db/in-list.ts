import { type Column, type Placeholder, type SQL, sql } from "drizzle-orm";

/**
 * `column IN (...values)` bound as one parameter, a JSON array read by `json_each`: D1 takes at
 * most 100 bound parameters per query, and id lists (an integration's profiles, a webhook's
 * events, a recovery's deliveries) grow past that. A placeholder's value must be the JSON array.
 */
export function inList(column: Column, values: readonly string[] | Placeholder): SQL {
  const list = Array.isArray(values) ? JSON.stringify(values) : values;
  return sql`${column} IN (SELECT value FROM json_each(${list}))`;
}
