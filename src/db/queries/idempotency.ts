import { and, eq, lt } from "drizzle-orm";
import type { Database } from "../client";
import { idempotencyKeys } from "../schema";

/** How long a stored first response is replayed for its key (API.md §1), then deleted. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

export function findIdempotencyKey(db: Database, scope: string, key: string) {
  return db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
    .get();
}

/** Claims the key; false when another request holds it already. Status 0 marks "in progress". */
export async function claimIdempotencyKey(
  db: Database,
  row: { scope: string; key: string; requestHash: string; createdAt: string },
): Promise<boolean> {
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ ...row, status: 0, body: "" })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  return inserted.length === 1;
}

export function completeIdempotencyKey(
  db: Database,
  scope: string,
  key: string,
  response: { status: number; body: string },
) {
  return db
    .update(idempotencyKeys)
    .set(response)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

export function releaseIdempotencyKey(db: Database, scope: string, key: string) {
  return db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

export function deleteIdempotencyKeysBefore(db: Database, before: string) {
  return db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
}
