import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { paths } from "../../clients/typescript/src/schema";
import { createApp } from "../../src/app";

/**
 * The one way tests call the API: the Worker's app, as a client on the internet calls it, typed
 * by the OpenAPI document (clients/typescript, `npm run client:generate`). A path that the
 * document does not list for the method does not compile; a success body has its schema's type.
 * `request()` is the untyped door for what the document must refuse (unknown routes, wrong
 * methods, malformed bodies).
 */

export const BOOTSTRAP = env.BOOTSTRAP_TOKEN;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][Lowercase<M>]>;
type TemplateFor<M extends Method> = {
  [P in keyof paths]: [Operation<P, M>] extends [never] ? never : P;
}[keyof paths];
/** `/v1/events/{uid}` as the paths that fill it in: `/v1/events/${string}`. */
type Concrete<P extends string> = P extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${Concrete<Tail>}`
  : P;
/** Every path, with or without a query string, that calls an operation of method M. */
export type PathFor<M extends Method> = {
  [P in TemplateFor<M>]: Concrete<P> | `${Concrete<P>}?${string}`;
}[TemplateFor<M>];
type Candidates<M extends Method, S extends string> = {
  [P in TemplateFor<M>]: S extends Concrete<P> | `${Concrete<P>}?${string}` ? P : never;
}[TemplateFor<M>];
/** `${string}` also matches slashes: of the templates a path fits, keep the most specific. */
type MostSpecific<All extends string> = {
  [P in All]: {
    [Q in Exclude<All, P>]: Concrete<Q> extends Concrete<P> ? true : never;
  }[Exclude<All, P>] extends never
    ? P
    : never;
}[All];
type Matching<M extends Method, S extends string> = MostSpecific<Candidates<M, S>>;
type SuccessBody<O> = O extends { responses: infer R }
  ? {
      [S in keyof R]: S extends 200 | 201 | 202
        ? R[S] extends { content: { "application/json": infer B } }
          ? B
          : never
        : never;
    }[keyof R]
  : never;
/** The JSON a success of this call answers (204s and errors are read through `expectError`). */
export type SuccessOf<M extends Method, S extends string> = SuccessBody<
  Operation<Matching<M, S>, M>
>;

export type ApiResponse<Body = unknown> = { status: number; headers: Headers; body: Body };

export type RequestOptions = {
  /** The bearer key; none sends no authorization header. */
  key?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent exactly as given, for malformed-input tests. */
  raw?: string;
  /** Bindings to change for this request (production URL policy, a failing queue). */
  env?: Partial<Env>;
  /** Called the moment the response is ready, before the request's waitUntil work is awaited. */
  onResponse?: () => void;
};

const app = createApp();

/** A documented call, typed by the OpenAPI document. */
export function api<M extends Method, S extends PathFor<M>>(
  method: M,
  path: S,
  options: RequestOptions = {},
): Promise<ApiResponse<SuccessOf<M, S>>> {
  return request(method, path, options) as Promise<ApiResponse<SuccessOf<M, S>>>;
}

/**
 * Any request at all. It calls the app's fetch in this isolate (not `exports.default.fetch`,
 * which grows slower with every request a file makes) and waits for what the request left to
 * `waitUntil` (its queue sends), so the test sees a settled world.
 */
export async function request(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  if (body !== undefined) {
    // As a client on the network sends it; a Request made here does not set it by itself.
    headers["content-length"] ??= String(new TextEncoder().encode(body).byteLength);
  }
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://weft.test${path}`, { method, headers, body }),
    { ...env, ...options.env },
    ctx,
  );
  options.onResponse?.();
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (${response.status}): ${text.slice(0, 200)}`);
    }
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export type ApiErrorBody = {
  code: string;
  message: string;
  request_id: string;
  details: { path: string; message: string }[];
};

/** Asserts the contract's error shape, status and code; returns the error for further checks. */
export function expectError(
  response: ApiResponse<unknown>,
  status: number,
  code: string,
): ApiErrorBody {
  const error = (response.body as { error?: ApiErrorBody } | null)?.error;
  if (response.status !== status || error?.code !== code) {
    throw new Error(
      `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  if (error.request_id !== response.headers.get("x-request-id") || !Array.isArray(error.details)) {
    throw new Error(`malformed error body: ${JSON.stringify(response.body)}`);
  }
  return error;
}
