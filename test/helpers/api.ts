import { env, exports } from "cloudflare:workers";

export const BOOTSTRAP = env.BOOTSTRAP_TOKEN;

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
type Json = any;

export type ApiResponse = { status: number; headers: Headers; body: Json };

type Options = {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as is, for malformed-input tests. */
  raw?: string;
};

/** Calls the Worker's own fetch handler, as a client on the internet would. */
export async function api(
  method: string,
  path: string,
  options: Options = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await exports.default.fetch(`http://weft.test${path}`, {
    method,
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

export type ApiErrorBody = {
  code: string;
  message: string;
  request_id: string;
  details: { path: string; message: string }[];
};

/** Asserts the contract's error shape, status and code; returns the error for further checks. */
export function expectError(response: ApiResponse, status: number, code: string): ApiErrorBody {
  const error = response.body?.error;
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
