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
  /** Another fetch (a test double, a proxy); the global one by default. */
  fetch?: ClientOptions["fetch"];
};

export type WeftClient = Client<paths>;

/**
 * A client typed by Weft's OpenAPI document: every path, parameter, body and answer is checked
 * by TypeScript. Calls return openapi-fetch's `{ data, error, response }`; `unwrap` turns that
 * into the item or a thrown `WeftError`.
 */
export function createWeftClient({ baseUrl, key, fetch }: WeftClientOptions): WeftClient {
  return createClient<paths>({ baseUrl, fetch, headers: { authorization: `Bearer ${key}` } });
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
