import { drizzle } from "drizzle-orm/d1";

// One drizzle instance per D1 binding: building it per request was a measurable share of CPU
// (bench/README.md). No relational schema is passed: Weft uses only the query builder.
let cached: { d1: D1Database; db: Database } | undefined;

export function createDb(d1: D1Database): Database {
  if (cached?.d1 !== d1) cached = { d1, db: drizzle(d1) };
  return cached.db;
}

export type Database = ReturnType<typeof drizzle<Record<string, never>, D1Database>>;
