import { z } from "@hono/zod-openapi";

/** The closed set of error codes of the contract, with their HTTP status. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** The database did not answer (an error, a timeout, an overloaded primary): retry. */
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorDetail = { path: string; message: string };

/** Thrown anywhere; app.onError turns it into the contract's error body. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new ApiError("NOT_FOUND", `${what} not found.`);

export function errorBody(error: ApiError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      details: error.details,
    },
  };
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi("Error");

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (`BAD_REQUEST`) or schema errors (`VALIDATION_FAILED`, one `details` entry per problem).",
  401: "Missing, unknown, expired or revoked key.",
  403: "Valid key that may not do this (API access off, wrong key kind).",
  404: "Unknown resource, or one this key may not see.",
  409: "State conflict.",
  413: "Request body over 256 KB.",
  422: "Well-formed but against the event's registration form.",
  429: "Rate limited; see `retry-after`.",
  500: "Unexpected error (never with a stack trace).",
  503: "The database did not answer; retry after `retry-after` seconds (with the same `idempotency-key` for a create).",
};

const EXAMPLE_CODE: Record<number, ErrorCode> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  422: "UNPROCESSABLE",
  429: "RATE_LIMITED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

function errorResponse(status: number) {
  return {
    description: STATUS_DESCRIPTIONS[status],
    content: {
      "application/json": {
        schema: ErrorSchema,
        example: {
          error: {
            code: EXAMPLE_CODE[status],
            message: STATUS_DESCRIPTIONS[status],
            request_id: "req_7f3a9c2e4b1d",
            details:
              status === 400 ? [{ path: "name", message: "Required" }] : ([] as ErrorDetail[]),
          },
        },
      },
    },
  };
}

/**
 * The error responses every authenticated route can give (413: the body limit runs on all of
 * /v1), spread into its OpenAPI `responses`.
 */
export function errorResponses(...extra: Array<409 | 422>) {
  const statuses = [400, 401, 403, 404, 413, 429, 500, 503, ...extra].sort();
  return Object.fromEntries(statuses.map((s) => [s, errorResponse(s)]));
}
