import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, operations, paths, webhooks } from "./schema";

type Schemas = components["schemas"];
export type Attendee = Schemas["Attendee"];
/** What an attendee read answers: the whole attendee, or one shaped by a field mapping or `fields=`. */
export type AttendeeRead = Schemas["AttendeeRead"];
export type Event = Schemas["Event"];
export type Integration = Schemas["Integration"];
export type Webhook = Schemas["Webhook"];
export type Delivery = Schemas["Delivery"];
export type ErrorBody = Schemas["Error"];

export type WeftClientOptions = {
  /** Where Weft runs, without `/v1`: `http://127.0.0.1:8787` locally. */
  baseUrl: string;
  /** An admin key (`wft_admin_...`), an integration key (`wft_live_...`) or, for `POST /v1/accounts`, the bootstrap token. */
  key: string;
  /** An `x-d1-bookmark` to read at least as fresh as (from another client, say). */
  bookmark?: string;
  /** Another fetch (a test double, a proxy); the global one by default. */
  fetch?: ClientOptions["fetch"];
};

export type WeftClient = Client<paths> & {
  /** The newest `x-d1-bookmark` this client has seen, sent with its every request. */
  bookmark(): string | undefined;
};

const BOOKMARK = "x-d1-bookmark";

/**
 * A client typed by Weft's OpenAPI document: every path, parameter, body and answer is checked
 * by TypeScript. Calls return openapi-fetch's `{ data, error, response }`; `unwrap` turns that
 * into the item or a thrown `WeftError`. Reads go to the nearest database replica: the client
 * sends back the newest bookmark it saw, so it always reads its own writes.
 */
export function createWeftClient({ baseUrl, key, bookmark, fetch }: WeftClientOptions): WeftClient {
  const client = createClient<paths>({
    baseUrl,
    fetch,
    headers: { authorization: `Bearer ${key}` },
  });
  let newest = bookmark;
  client.use({
    onRequest({ request }) {
      if (newest && !request.headers.has(BOOKMARK)) request.headers.set(BOOKMARK, newest);
      return request;
    },
    onResponse({ response }) {
      // The server answers with the newest bookmark it saw, ours included.
      newest = response.headers.get(BOOKMARK) ?? newest;
      return response;
    },
  });
  return Object.assign(client, { bookmark: () => newest });
}

/** A new `idempotency-key` for one create; send the same one again only to retry that create. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** An error answer of the API: its status and the contract's error body. */
export class WeftError extends Error {
  readonly status: number;
  readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined) {
    super(body ? `${status} ${body.error.code}: ${body.error.message}` : `HTTP ${status}`);
    this.name = "WeftError";
    this.status = status;
    this.body = body;
  }
}

/** The `data` of a success, or a `WeftError` thrown for an error answer. */
export function unwrap<T>(result: { data?: { data: T }; error?: unknown; response: Response }): T {
  if (result.data !== undefined) return result.data.data;
  throw new WeftError(result.response.status, result.error as ErrorBody | undefined);
}
