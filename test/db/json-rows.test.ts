import { env } from "cloudflare:workers";
import { type Column, eq, getTableColumns, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { type JsonRow, jsonRow, readRow } from "../../src/db/json-rows";
import { batchPrepared, jsonQuery } from "../../src/db/prepared";
import {
  accounts,
  apiKeys,
  attendees,
  eventOverrides,
  events,
  integrations,
  profiles,
} from "../../src/db/schema";

const db = createDb(env.DB);
const unique = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
const at = "2026-11-29T09:00:00.123Z";

/** The row with this id read by drizzle's select, and by jsonRow + readRow. */
async function bothWays<T extends SQLiteTable>(table: T, idColumn: Column, id: string) {
  const query = jsonQuery<{ row: JsonRow }>(
    db,
    sql`SELECT ${jsonRow(table)} AS "row" FROM ${table} WHERE ${idColumn} = ${id}`,
  );
  const [found] = await batchPrepared(db, [[query, {}]]);
  const viaJson = found && readRow(table)(found.row);
  const viaDrizzle = await db.select().from(table).where(eq(idColumn, id)).get();
  return { viaJson, viaDrizzle };
}

describe("rows written as JSON by SQLite (db/json-rows.ts)", () => {
  it("reads every hot table's row exactly as drizzle maps it", async () => {
    const ids = {
      account: unique("acc"),
      key: unique("key"),
      integration: unique("int"),
      profile: unique("prf"),
      event: unique("evt"),
      attendee: unique("gst"),
    };
    const mapping = [
      { name: "contact_email", mapped_to: "email" },
      { name: "x", value: 'a "b"' },
    ];
    await db.batch([
      db.insert(accounts).values({
        id: ids.account,
        name: 'Quotes " and \\ and ünïcode',
        fieldMapping: mapping,
        createdAt: at,
        updatedAt: at,
      }),
      db.insert(apiKeys).values({
        id: ids.key,
        accountId: ids.account,
        kind: "integration",
        integrationId: ids.integration,
        scopes: ["attendees:read", "events:read"],
        hash: unique("hash"),
        prefix: "wft_live_abc",
        createdAt: at,
        lastUsedAt: null,
        expiresAt: "2027-01-01T00:00:00.000Z",
      }),
      db.insert(integrations).values({
        id: ids.integration,
        accountId: ids.account,
        name: "CRM",
        apiAccess: false,
        webhooksEnabled: true,
        fixedConfiguration: { fields: [] },
        fieldMapping: mapping,
        templateId: null,
        createdAt: at,
        updatedAt: at,
      }),
      db.insert(profiles).values({
        id: ids.profile,
        accountId: ids.account,
        name: "Brand",
        activeIntegrationId: null,
        fireOnPayment: true,
        createdAt: at,
        updatedAt: at,
      }),
      db.insert(events).values({
        id: ids.event,
        accountId: ids.account,
        profileId: ids.profile,
        name: "Summit",
        status: "Registering",
        startDate: at,
        endDate: at,
        timezone: "Europe/Paris",
        currency: "EUR",
        languages: ["en", "fr"],
        location: null,
        capacity: null,
        guestCount: 12,
        fields: [{ name: "email", type: "email", required: true, label: "E-mail" }] as never,
        createdAt: at,
        updatedAt: at,
      }),
      db.insert(eventOverrides).values({
        eventId: ids.event,
        integrationId: null,
        fieldMapping: [],
        mappingMode: "replace",
        fireOnPayment: null,
        webhooksEnabled: false,
        createdAt: at,
        updatedAt: at,
      }),
      db.insert(attendees).values({
        id: ids.attendee,
        accountId: ids.account,
        eventId: ids.event,
        profileId: ids.profile,
        language: "fr",
        registrationStatus: "Complete",
        paymentStatus: "Partial",
        paymentMethod: null,
        paymentDate: null,
        // Doubles JSON would write with 15 digits (0.30000000000000004 as 0.3) read back exactly.
        paymentAmount: 0.1 + 0.2,
        amountTaxExcl: 100.1,
        amountTax: 21,
        amountTaxIncl: 1e21,
        checkIns: 3,
        firstCheckInAt: null,
        fields: { email: "jane@example.com", nested: { list: [1, 2.5, null, true] }, empty: "" },
        createdAt: at,
        updatedAt: at,
      }),
    ]);

    const cases = [
      [accounts, accounts.id, ids.account],
      [apiKeys, apiKeys.id, ids.key],
      [integrations, integrations.id, ids.integration],
      [profiles, profiles.id, ids.profile],
      [events, events.id, ids.event],
      [eventOverrides, eventOverrides.eventId, ids.event],
      [attendees, attendees.id, ids.attendee],
    ] as const;
    for (const [table, idColumn, id] of cases) {
      const { viaJson, viaDrizzle } = await bothWays(table, idColumn, id);
      expect(viaDrizzle).toBeDefined();
      // Same keys, same values, same types (a boolean stays a boolean, null stays null).
      expect(viaJson).toStrictEqual(viaDrizzle);
      expect(Object.keys(viaJson as object)).toEqual(Object.keys(getTableColumns(table)));
    }
    const { viaJson } = await bothWays(attendees, attendees.id, ids.attendee);
    expect(viaJson?.paymentAmount).toBe(0.30000000000000004);
  });

  it("reads whole-number doubles as the very numbers, past 2^53 and past 64-bit integers", async () => {
    const values = [0, 121, -12, 2 ** 53 + 2, 2 ** 60, -(2 ** 63), 2 ** 63, -0.5, 1 / 3];
    const ids = values.map(() => unique("gst"));
    const [first, ...rest] = values.map((value, i) =>
      db.insert(attendees).values({
        id: ids[i],
        accountId: "acc_reals",
        eventId: "evt_reals",
        profileId: "prf_reals",
        language: "en",
        registrationStatus: "Complete",
        paymentStatus: "Paid",
        paymentAmount: value,
        amountTaxExcl: -value,
        fields: {},
        createdAt: at,
        updatedAt: at,
      }),
    );
    await db.batch([first, ...rest]);
    for (const [i, value] of values.entries()) {
      const { viaJson, viaDrizzle } = await bothWays(attendees, attendees.id, ids[i]);
      expect(viaJson).toStrictEqual(viaDrizzle);
      expect(viaJson?.paymentAmount).toBe(value);
    }
  });

  it("finds nothing as undefined", async () => {
    const { viaJson, viaDrizzle } = await bothWays(events, events.id, "evt_missing");
    expect(viaJson).toBeUndefined();
    expect(viaDrizzle).toBeUndefined();
  });
});
