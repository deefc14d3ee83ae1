import { drizzle } from "drizzle-orm/d1";

// One drizzle instance per D1 binding: building it per request was a measurable share of CPU
// (bench/README.md). No relational schema is passed: Weft uses only the query builder.
const instances = new WeakMap<D1Database, Database>();

export function createDb(d1: D1Database): Database {
  let db = instances.get(d1);
  if (!db) {
    db = drizzle(d1);
    instances.set(d1, db);
  }
  return db;
}

export type Database = ReturnType<typeof drizzle<Record<string, never>, D1Database>>;
