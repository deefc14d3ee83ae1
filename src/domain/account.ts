import type { AccountRow } from "../db/queries/accounts";

export function serializeAccount(row: AccountRow) {
  return { id: row.id, name: row.name, created_at: row.createdAt, updated_at: row.updatedAt };
}
