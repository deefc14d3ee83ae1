import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { QueueMessage } from "../../src/delivery/messages";
import { ERROR_STATUS } from "../../src/errors";
import { type ApiErrorBody, type ApiResponse, api } from "../helpers/api";

const TABLES = [
  "accounts",
  "api_keys",
  "profiles",
  "events",
  "attendees",
  "integrations",
  "integration_profiles",
  "event_overrides",
  "webhooks",
  "triggers",
  "deliveries",
  "delivery_attempts",
  "idempotency_keys",
];

/**
 * Every stored row of one account, minus what changes behind a request's back (key use stamps;
 * the consumer marking triggers processed), and the row count of every table. Compared before
 * and after a refused request: it must be equal.
 */
export const ACCOUNT_QUERIES = [
  "SELECT * FROM accounts WHERE id = ?1",
  "SELECT id, kind, integration_id, hash, prefix, created_at, expires_at, revoked_at FROM api_keys WHERE account_id = ?1 ORDER BY id",
  "SELECT * FROM profiles WHERE account_id = ?1 ORDER BY id",
  "SELECT * FROM events WHERE account_id = ?1 ORDER BY id",
  "SELECT * FROM attendees WHERE account_id = ?1 ORDER BY id",
  "SELECT * FROM integrations WHERE account_id = ?1 ORDER BY id",
  "SELECT ip.* FROM integration_profiles ip JOIN integrations i ON i.id = ip.integration_id WHERE i.account_id = ?1 ORDER BY 1, 2",
  "SELECT o.* FROM event_overrides o JOIN events e ON e.id = o.event_id WHERE e.account_id = ?1 ORDER BY 1",
  "SELECT * FROM webhooks WHERE account_id = ?1 ORDER BY id",
  "SELECT id, trigger, entity_uid, webhook_id FROM triggers WHERE account_id = ?1 ORDER BY id",
  "SELECT id, trigger_id, webhook_id FROM deliveries WHERE account_id = ?1 ORDER BY id",
  "SELECT scope, key, request_hash FROM idempotency_keys WHERE scope IN (?1, 'bootstrap') ORDER BY 1, 2",
];

export async function snapshot(accountId: string): Promise<string> {
  const statements = [
    ...ACCOUNT_QUERIES.map((sql) => env.DB.prepare(sql).bind(accountId)),
    env.DB.prepare(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(", ")}`),
  ];
  const results = await env.DB.batch(statements);
  return JSON.stringify(results.map((r) => r.results));
}

/**
 * The contract's error body for any status: a code of the closed set matching the status, a
 * message without a stack trace, the request id of the header, and details as a list.
 */
export function expectContractError(response: ApiResponse): void {
  const body = response.body as { error: ApiErrorBody };
  const error = body?.error;
  const where = `${response.status} ${JSON.stringify(body)?.slice(0, 300)}`;
  expect(error, where).toBeTypeOf("object");
  expect(Object.keys(body), where).toEqual(["error"]);
  expect(ERROR_STATUS[error.code as keyof typeof ERROR_STATUS], where).toBe(response.status);
  expect(error.message, where).toBeTypeOf("string");
  expect(error.message, where).not.toMatch(/\n\s+at\s|\.ts:\d+/);
  expect(error.request_id, where).toBe(response.headers.get("x-request-id"));
  expect(Array.isArray(error.details), where).toBe(true);
}

/** The production target policy: https only, no private or local hosts. */
export const STRICT_TARGETS = { ALLOW_HTTP_TARGETS: "false", ALLOW_PRIVATE_TARGETS: "false" };

/**
 * Hands out admin keys of the account `key` belongs to, for tests that send more requests than a
 * key may (100 per 10 s in tests): a new one, minted through the API with `key`, every `uses`
 * calls.
 */
export function adminKeyPool(key: string, uses = 50): () => Promise<string> {
  return keyPool(async () => {
    const minted = await api("POST", "/v1/account/admin-keys", { key });
    if (minted.status !== 201) {
      throw new Error(`minting an admin key: ${minted.status} ${JSON.stringify(minted.body)}`);
    }
    return minted.body.data.key;
  }, uses);
}

/** Hands out keys from `mint`, a fresh one every `uses` calls. */
export function keyPool(mint: () => Promise<string>, uses = 50): () => Promise<string> {
  let key = "";
  let used = 0;
  return async () => {
    if (!key || used >= uses) {
      key = await mint();
      used = 0;
    }
    used++;
    return key;
  };
}

/**
 * A TRIGGERS binding that keeps what the Worker sends instead of queuing it, so a test hands
 * the messages to the consumer itself (with production flags) and nothing runs behind its back.
 */
export function recordingQueue() {
  const sent: QueueMessage[] = [];
  const record = (messages: Iterable<{ body: QueueMessage }>) => {
    for (const message of messages) sent.push(message.body);
  };
  const queue = {
    send: async (body: QueueMessage) => record([{ body }]),
    sendBatch: async (messages: Iterable<{ body: QueueMessage }>) => record(messages),
  };
  return { queue: queue as unknown as Queue, sent };
}
