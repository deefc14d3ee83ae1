import { drizzle } from "drizzle-orm/d1";
import { RoutedD1 } from "./session";

// One drizzle instance per D1 binding: building it per request was a measurable share of CPU
// (bench/README.md), and the prepared queries (db/prepared.ts) are kept per instance. Its client
// routes each statement to the running request's session (db/session.ts). No relational schema
// is passed: Weft uses only the query builder.
let cached: { d1: D1Database; db: Database } | undefined;

export function createDb(d1: D1Database): Database {
  if (cached?.d1 !== d1) {
    // RoutedD1 offers the part of D1's API drizzle calls (prepare, bind, all/raw/run, batch).
    cached = { d1, db: drizzle(new RoutedD1(d1) as unknown as D1Database) };
  }
  return cached.db;
}

export type Database = ReturnType<typeof drizzle<Record<string, never>, D1Database>>;
