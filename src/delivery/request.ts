import type { WebhookRow } from "../db/queries/webhooks";
import type { Deps } from "../deps";
import { type BodyEncoding, contentTypeOf, formEncoded } from "../domain/webhook-content";
import { decryptSecret } from "../lib/secret-box";
import { iso } from "../lib/time";
import { signatureHeader, signingKey } from "./signing";
import { checkTargetUrl } from "./target-policy";

/** Methods whose request carries the JSON payload; GET and DELETE put identifiers in the query. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

export const USER_AGENT = "Weft-Webhooks/1";

/** How much of a receiver's answer is kept with the attempt. */
export const EXCERPT_BYTES = 2048;

/** What one attempt sends: the same delivery id and payload on every retry. */
export type AttemptInput = {
  deliveryId: string;
  trigger: string;
  eventUid: string;
  entityUid: string;
  cause: string | null;
  /** The JSON body, exactly as stored with the delivery. */
  payload: string;
  /** The URL rendered for this delivery (the webhook's has placeholders); null: the webhook's. */
  url: string | null;
  attempt: number;
};

/** A webhook with its secrets decrypted, ready to sign and send. */
export type OpenWebhook = {
  url: string;
  method: string;
  bodyEncoding: BodyEncoding;
  /**
   * Current secret first; the previous one while its grace period lasts. Imported HMAC keys in
   * place of the strings when opened by a `WebhookOpener` (the key is imported once, not per send).
   */
  secrets: readonly (string | CryptoKey)[];
  headers: Record<string, string>;
};

export async function openWebhook(
  webhook: WebhookRow,
  secretsKey: string,
  nowMs: number,
): Promise<OpenWebhook> {
  const secrets = [await decryptSecret(secretsKey, webhook.secretEncrypted)];
  if (
    webhook.previousSecretEncrypted &&
    webhook.previousSecretExpiresAt &&
    Date.parse(webhook.previousSecretExpiresAt) > nowMs
  ) {
    secrets.push(await decryptSecret(secretsKey, webhook.previousSecretEncrypted));
  }
  const headers = JSON.parse(await decryptSecret(secretsKey, webhook.headersEncrypted)) as Record<
    string,
    string
  > | null;
  return {
    url: webhook.urlEncrypted ? await decryptSecret(secretsKey, webhook.urlEncrypted) : webhook.url,
    method: webhook.method,
    bodyEncoding: webhook.bodyEncoding,
    secrets,
    headers: headers ?? {},
  };
}

/**
 * An endpoint's webhook as last opened: its secrets decrypted and imported as HMAC keys, its
 * headers and URL decrypted, kept while what was opened is unchanged (the stored ciphertexts, so a
 * rotation or an edit opens it again) and while the previous secret it signs with is still valid.
 * Saves two to four AES decryptions and one or two key imports per attempt. Memory only, never
 * logged.
 */
export class WebhookOpener {
  private last:
    | { of: string; secretsKey: string; until: number; open: Promise<OpenWebhook> }
    | undefined;

  open(webhook: WebhookRow, secretsKey: string, nowMs: number): Promise<OpenWebhook> {
    const of = JSON.stringify([
      webhook.id,
      webhook.url,
      webhook.urlEncrypted,
      webhook.method,
      webhook.bodyEncoding,
      webhook.secretEncrypted,
      webhook.previousSecretEncrypted,
      webhook.previousSecretExpiresAt,
      webhook.headersEncrypted,
    ]);
    const last = this.last;
    if (last && last.of === of && last.secretsKey === secretsKey && nowMs < last.until) {
      return last.open;
    }
    const open = openWebhook(webhook, secretsKey, nowMs).then(async (opened) => ({
      ...opened,
      secrets: await Promise.all(
        opened.secrets.map((secret) => (typeof secret === "string" ? signingKey(secret) : secret)),
      ),
    }));
    const expires = webhook.previousSecretExpiresAt
      ? Date.parse(webhook.previousSecretExpiresAt)
      : Number.NaN;
    // Opened with the previous secret: open again once it expires (without it then).
    const until = expires > nowMs ? expires : Number.POSITIVE_INFINITY;
    const entry = { of, secretsKey, until, open };
    this.last = entry;
    // A webhook that cannot be opened is tried again next time (SECRETS_KEY may be fixed by then).
    open.catch(() => {
      if (this.last === entry) this.last = undefined;
    });
    return open;
  }
}

export type OutgoingRequest = {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** null for GET and DELETE. */
  body: string | null;
};

/**
 * The signed request of one attempt (§6 "Body" and "Headers"), at `timestamp` (Unix seconds):
 * to the delivery's rendered URL if it has one, the body in the webhook's encoding.
 */
export async function buildRequest(
  webhook: OpenWebhook,
  input: AttemptInput,
  timestamp: number,
): Promise<OutgoingRequest> {
  const withBody = BODY_METHODS.has(webhook.method);
  const url = new URL(input.url ?? webhook.url);
  if (!withBody) {
    url.searchParams.set("trigger", input.trigger);
    url.searchParams.set("uid", input.entityUid);
    url.searchParams.set("event_uid", input.eventUid);
  }
  const encode = webhook.bodyEncoding === "form" ? formEncoded : (payload: string) => payload;
  const body = withBody ? encode(input.payload) : "";
  const headers: Record<string, string> = {
    "webhook-id": input.deliveryId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(webhook.secrets, input.deliveryId, timestamp, body),
  };
  if (withBody) headers["content-type"] = contentTypeOf(webhook.bodyEncoding);
  headers["x-weft-trigger"] = input.trigger;
  // An operational notification is about no event.
  if (input.eventUid) headers["x-weft-event-uid"] = input.eventUid;
  headers["x-weft-entity-uid"] = input.entityUid;
  headers["x-weft-attempt"] = String(input.attempt);
  if (input.cause) headers["x-weft-cause"] = input.cause;
  headers["user-agent"] = USER_AGENT;
  // Webhook creation refuses the names above; never let a stored header replace one anyway.
  for (const [name, value] of Object.entries(webhook.headers)) {
    if (!(name.toLowerCase() in headers)) headers[name.toLowerCase()] = value;
  }
  return { url: url.toString(), method: webhook.method, headers, body: withBody ? body : null };
}

/** What happened to one request: an HTTP answer, or an error before/instead of one. */
export type SendResult = {
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  retryAfter: string | null;
};

export type SendOptions = Pick<Deps, "targets" | "timeoutMs" | "fetch" | "now">;

/**
 * Sends one signed attempt to a webhook: every delivery attempt and every test send goes through
 * here. A request that cannot be prepared (an undecryptable secret or header after SECRETS_KEY
 * changed) is a result with an error like any failed send, never an exception.
 */
export async function sendSigned(
  deps: Pick<Deps, "secretsKey" | "targets" | "timeoutMs" | "fetch" | "clientCertificates" | "now">,
  webhook: WebhookRow,
  input: AttemptInput,
  opener?: WebhookOpener,
): Promise<SendResult> {
  const now = deps.now();
  let request: OutgoingRequest;
  try {
    const open = await (opener
      ? opener.open(webhook, deps.secretsKey, now)
      : openWebhook(webhook, deps.secretsKey, now));
    request = await buildRequest(open, input, Math.floor(now / 1000));
  } catch (error) {
    // The name only: a message could quote a header.
    return notSent(now, `The request could not be prepared (${(error as Error).name}).`);
  }
  if (webhook.clientCertificate === null) return sendRequest(request, deps);
  // Two-way TLS: the certificate's binding makes the request and presents the certificate.
  const binding = deps.clientCertificates(webhook.clientCertificate);
  if (!binding) {
    return notSent(now, `The client certificate ${webhook.clientCertificate} is not deployed.`);
  }
  return sendRequest(request, { ...deps, fetch: (input, init) => binding.fetch(input, init) });
}

/** The result of an attempt that sent nothing. */
export function notSent(now: number, error: string): SendResult {
  return {
    startedAt: iso(now),
    durationMs: 0,
    statusCode: null,
    error,
    responseExcerpt: null,
    retryAfter: null,
  };
}

/**
 * Sends one request: the URL is checked again first (a refused URL is an error, no request),
 * redirects are not followed, and the whole exchange is bounded by `timeoutMs`.
 */
export async function sendRequest(
  request: OutgoingRequest,
  options: SendOptions,
): Promise<SendResult> {
  const started = options.now();
  const result = (fields: Partial<SendResult>): SendResult => ({
    startedAt: iso(started),
    durationMs: Math.max(0, options.now() - started),
    statusCode: null,
    error: null,
    responseExcerpt: null,
    retryAfter: null,
    ...fields,
  });

  const target = checkTargetUrl(request.url, options.targets);
  if (!target.ok) return result({ error: `Target refused: ${target.reason}` });

  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal,
    });
  } catch (error) {
    return result({ error: describeFetchError(error, signal, options.timeoutMs) });
  }
  const responseExcerpt = await readExcerpt(response, signal);
  return result({
    statusCode: response.status,
    responseExcerpt,
    retryAfter: response.headers.get("retry-after"),
    error: isSuccess(response.status) ? null : `HTTP ${response.status}`,
  });
}

export function isSuccess(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}

function describeFetchError(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `Timed out after ${timeoutMs} ms.`;
  const message = error instanceof Error ? error.message : String(error);
  return `Request failed: ${message}`.slice(0, 500);
}

/** The first EXCERPT_BYTES of the body, read no further (a huge or endless body is not read whole). */
async function readExcerpt(response: Response, signal: AbortSignal): Promise<string | null> {
  if (!response.body) return null;
  // Reading stops at the deadline even if the runtime does not end the stream on abort.
  const deadline = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  deadline.catch(() => {});
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared <= EXCERPT_BYTES) {
    // A short body of known length (most answers): read whole, natively, within the deadline.
    const text = response.text();
    text.catch(() => {}); // once the deadline wins, a later rejection is expected, not news
    try {
      return await Promise.race([text, deadline]);
    } catch {
      return ""; // cut short (timeout, reset): the length said what would come, not what came
    }
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const read = reader.read();
      read.catch(() => {}); // once the deadline wins, a later rejection is expected, not news
      const { done, value } = await Promise.race([read, deadline]);
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short (timeout, reset) keeps what arrived.
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, EXCERPT_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
    if (offset >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes);
}
