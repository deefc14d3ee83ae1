import { drizzle } from "drizzle-orm/d1";
import { RoutedD1 } from "./session";

// One drizzle instance per D1 binding: building it per request was a measurable share of CPU
// (bench/README.md), and the prepared queries (db/prepared.ts) are kept per instance. No
// relational schema is passed: Weft uses only the query builder.
const routed = new WeakMap<D1Database, Database>();
const direct = new WeakMap<D1Database, Database>();

/** The binding's instance from `cache`, built once (a missing binding fails at its first query). */
function perBinding(cache: WeakMap<D1Database, Database>, d1: D1Database, build: () => Database) {
  if (typeof d1 !== "object" || d1 === null) return build();
  let db = cache.get(d1);
  if (!db) {
    db = build();
    cache.set(d1, db);
  }
  return db;
}

/** DB: its client routes each statement to the running request's session (db/session.ts). */
export function createDb(d1: D1Database): Database {
  // RoutedD1 offers the part of D1's API drizzle calls (prepare, bind, all/raw/run, batch).
  return perBinding(routed, d1, () => drizzle(new RoutedD1(d1) as unknown as D1Database));
}

/**
 * DELIVERIES_DB, the delivery log (deliveries and their attempts), on the binding itself: outside
 * the request's session (a session belongs to one database), so its queries run on its primary
 * (README "Consistency"). It may be the same database as DB or one of its own; no statement or
 * batch mixes the two bindings' tables.
 */
export function createDeliveriesDb(d1: D1Database): Database {
  return perBinding(direct, d1, () => drizzle(d1));
}

export type Database = ReturnType<typeof drizzle<Record<string, never>, D1Database>>;
