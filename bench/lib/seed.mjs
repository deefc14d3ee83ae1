// Seeding: what carries a secret or a hash goes through the API (account, keys, integrations,
// webhooks); bulk rows (attendees, outbox triggers) go straight into D1 in multi-row INSERTs.
import { BOOTSTRAP_TOKEN } from "./stack.mjs";

/** A missing route or a failed call; scenarios turn it into "skipped: <why>". */
export class Unavailable extends Error {}

export function apiClient(baseUrl) {
  return async function api(method, path, { key, body } = {}) {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Unavailable(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    }
    return text ? JSON.parse(text).data : null;
  };
}

export async function createAccount(api) {
  const { account, admin_key } = await api("POST", "/v1/accounts", {
    key: BOOTSTRAP_TOKEN,
    body: { name: "Bench" },
  });
  return { accountId: account.id ?? account.uid, adminKey: admin_key.key };
}

export async function createProfile(api, adminKey, name) {
  const profile = await api("POST", "/v1/profiles", { key: adminKey, body: { name } });
  return profile.uid;
}

export async function createEvent(api, adminKey, profileUid, name) {
  const event = await api("POST", "/v1/events", {
    key: adminKey,
    body: {
      profile_uid: profileUid,
      name,
      status: "Registering",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    },
  });
  return event.uid;
}

/** The mapping used by reads with the integration key (renames, a nested path, a fixed value). */
export const BENCH_MAPPING = [
  { name: "contact_email", mapped_to: "email" },
  { name: "first_name", mapped_to: "firstname" },
  { name: "last_name", mapped_to: "lastname" },
  { name: "status", mapped_to: "registration_status" },
  { name: "source", value: "weft-bench" },
];

export async function createIntegration(api, adminKey, profileUids, fieldMapping = []) {
  const integration = await api("POST", "/v1/integrations", {
    key: adminKey,
    body: {
      name: "Bench",
      profile_uids: profileUids,
      field_mapping: fieldMapping,
      api_access: true,
    },
  });
  return integration.id;
}

export async function createIntegrationKey(api, adminKey, integrationId) {
  const created = await api("POST", `/v1/integrations/${integrationId}/keys`, {
    key: adminKey,
    body: {},
  });
  return created.key;
}

export async function createWebhook(api, adminKey, integrationId, { name, trigger, url }) {
  const webhook = await api("POST", `/v1/integrations/${integrationId}/webhooks`, {
    key: adminKey,
    body: { name, trigger, url, method: "POST" },
  });
  return webhook.id;
}

export async function activate(api, adminKey, profileUid, integrationId) {
  await api("PUT", `/v1/profiles/${profileUid}/integration`, {
    key: adminKey,
    body: { integration_id: integrationId },
  });
}

const sqlText = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);

/** D1 refuses statements over 100 KB (SQLITE_TOOBIG); INSERTs per D1 batch. */
const MAX_STATEMENT_BYTES = 90_000;
const INSERTS_PER_BATCH = 10;

async function bulkInsert(db, table, columns, rows) {
  const head = `INSERT INTO ${table} (${columns.join(",")}) VALUES `;
  const statements = [];
  let values = [];
  let bytes = head.length;
  for (const row of rows) {
    const tuple = `(${row.map(sqlText).join(",")})`;
    if (values.length > 0 && bytes + tuple.length + 1 > MAX_STATEMENT_BYTES) {
      statements.push(head + values.join(","));
      values = [];
      bytes = head.length;
    }
    values.push(tuple);
    bytes += tuple.length + 1;
  }
  if (values.length > 0) statements.push(head + values.join(","));
  for (let i = 0; i < statements.length; i += INSERTS_PER_BATCH) {
    await db.batch(statements.slice(i, i + INSERTS_PER_BATCH).map((sql) => db.prepare(sql)));
  }
}

const ATTENDEE_COLUMNS = [
  "id",
  "account_id",
  "event_id",
  "profile_id",
  "language",
  "registration_status",
  "payment_status",
  "payment_method",
  "payment_date",
  "payment_amount",
  "amount_tax_excl",
  "amount_tax",
  "amount_tax_incl",
  "check_ins",
  "first_check_in_at",
  "fields",
  "created_at",
  "updated_at",
];

const BASE_TIME = Date.parse("2026-01-01T00:00:00.000Z");

/** Row ids the bench can recognise: `gst_` + 20 base-36 characters, like newId. */
function benchId(prefix, tag, n) {
  return `${prefix}_${`${tag}${n.toString(36)}`.padStart(20, "0")}`;
}

/** `count` attendees of one event (the default form: email, firstname, lastname), one ms apart. */
export async function seedAttendees(db, { accountId, eventUid, profileUid, count, tag }) {
  const rows = [];
  for (let n = 0; n < count; n++) {
    const at = new Date(BASE_TIME + n).toISOString();
    const fields = JSON.stringify({
      email: `guest${n}@example.com`,
      firstname: `First${n}`,
      lastname: `Last${n}`,
    });
    rows.push([
      benchId("gst", tag, n),
      accountId,
      eventUid,
      profileUid,
      "en",
      "Complete",
      "Unpaid",
      null,
      null,
      0,
      100,
      21,
      121,
      0,
      null,
      fields,
      at,
      at,
    ]);
  }
  await bulkInsert(db, "attendees", ATTENDEE_COLUMNS, rows);
  await db
    .prepare("UPDATE events SET guest_count = guest_count + ? WHERE id = ?")
    .bind(count, eventUid)
    .run();
}

const TRIGGER_COLUMNS = [
  "id",
  "account_id",
  "trigger",
  "profile_id",
  "event_id",
  "entity_uid",
  "snapshot",
  "webhook_id",
  "cause",
  "status",
  "created_at",
  "processed_at",
];

/**
 * `count` pending guest.create outbox rows, as POST /v1/attendees would have written them, with
 * an attendee snapshot each. Returns their ids (to put on the queue).
 */
export async function seedTriggers(db, { accountId, eventUid, profileUid, count, tag }) {
  const rows = [];
  const ids = [];
  const now = new Date().toISOString();
  for (let n = 0; n < count; n++) {
    const id = benchId("trg", tag, n);
    const uid = benchId("gst", tag, n);
    ids.push(id);
    const snapshot = {
      uid,
      event_uid: eventUid,
      profile_uid: profileUid,
      event_name: "Fan-out",
      event_start_date: "2026-06-12T07:00:00Z",
      event_end_date: "2026-06-13T16:00:00Z",
      language: "en",
      registration_status: "Complete",
      payment_status: "Unpaid",
      payment_method: null,
      payment_date: null,
      payment_amount: 0,
      amount_tax_excl: 100,
      amount_tax: 21,
      amount_tax_incl: 121,
      check_ins: 0,
      first_check_in_at: null,
      created_at: now,
      updated_at: now,
      email: `guest${n}@example.com`,
      firstname: `First${n}`,
      lastname: `Last${n}`,
    };
    rows.push([
      id,
      accountId,
      "guest.create",
      profileUid,
      eventUid,
      uid,
      JSON.stringify(snapshot),
      null,
      null,
      "pending",
      now,
      null,
    ]);
  }
  await bulkInsert(db, "triggers", TRIGGER_COLUMNS, rows);
  return ids;
}
