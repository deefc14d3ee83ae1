import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from "../errors";

// What every operation shares, defined once under `components` and referenced: the error
// responses (one per status, with examples), the headers every /v1 answer carries, the D1
// bookmark every /v1 request may send, the bearer key.

type Registry = OpenAPIHono["openAPIRegistry"];

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).openapi({
        description: "One of a closed set; each code has one HTTP status.",
      }),
      message: z.string().openapi({ description: "For humans; may change between releases." }),
      request_id: z.string().openapi({ description: "The same as the `x-request-id` header." }),
      details: z
        .array(
          z.object({
            path: z.string().openapi({ description: "Dotted path of the input at fault." }),
            message: z.string(),
          }),
        )
        .openapi({ description: "One entry per problem (empty when there is none to point at)." }),
    }),
  })
  .openapi("Error", { description: "The body of every error." });

const HEADERS = {
  RequestId: {
    description:
      "This request's id (`req_` + 32 hex digits), also in `error.request_id`: quote it when asking for help.",
    schema: { type: "string", example: "req_5d1f0c3b9a8e4f6a8b2c7d9e0f1a2b3c" },
  },
  CacheControl: {
    description:
      "`no-store` on every `/v1` answer: they carry keys, secrets and personal data, which no cache may keep.",
    schema: { type: "string", const: "no-store" },
  },
  D1Bookmark: {
    description:
      "The newest D1 bookmark this request saw (when it touched the database): send it back as `x-d1-bookmark` so that your next read sees at least this write.",
    schema: {
      type: "string",
      example: "0000002a-00000004-00005012-0c2b9c9f4e8d1d3b2f8a6f7b1c2d3e4f",
    },
  },
  RetryAfter: {
    description: "Seconds until the key's rate-limit window turns.",
    schema: { type: "integer", minimum: 1, example: 7 },
  },
} as const;

const header = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

/** The headers of every `/v1` answer, for each response's `headers`. */
export const responseHeaders = {
  "x-request-id": header("RequestId"),
  "cache-control": header("CacheControl"),
  "x-d1-bookmark": header("D1Bookmark"),
};

/** The request header every /v1 operation accepts (src/middleware/request-context.ts). */
export const bookmarkParameter = { $ref: "#/components/parameters/D1Bookmark" };

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

const ERROR_RESPONSES: Record<
  ErrorStatus,
  { name: string; description: string; examples: Array<[ErrorCode, string, ErrorDetail[]?]> }
> = {
  400: {
    name: "BadRequest",
    description:
      "`VALIDATION_FAILED` (the input does not match the schema; one `details` entry per problem) or `BAD_REQUEST` (malformed JSON, a body that is not `application/json`, or an `x-d1-bookmark` Weft did not hand out).",
    examples: [
      [
        "VALIDATION_FAILED",
        "The request did not match the schema.",
        [{ path: "name", message: "Too small: expected string to have >=1 characters" }],
      ],
      ["BAD_REQUEST", "Malformed JSON in request body"],
    ],
  },
  401: {
    name: "Unauthorized",
    description: "No key, or a key that is unknown, expired or revoked.",
    examples: [["UNAUTHORIZED", "Send your key as `authorization: Bearer <key>`."]],
  },
  403: {
    name: "Forbidden",
    description:
      "A valid key that may not do this: an integration key on an admin route or without the route's scope, an integration whose `api_access` is off, the bootstrap token anywhere but `POST /v1/accounts`, or an admin key there.",
    examples: [["FORBIDDEN", "This key does not have the `attendees:write` scope."]],
  },
  404: {
    name: "NotFound",
    description:
      "The resource does not exist, or this key may not see it (another account's data is never hinted at).",
    examples: [["NOT_FOUND", "Event not found."]],
  },
  409: {
    name: "Conflict",
    description:
      "A state conflict, said in `message`: for a create, an `idempotency-key` reused with another body or still in progress; otherwise see the operation's description.",
    examples: [["CONFLICT", "This idempotency-key was used with another request body."]],
  },
  413: {
    name: "PayloadTooLarge",
    description: "The request body is over 256 KB.",
    examples: [["PAYLOAD_TOO_LARGE", "The request body is over 256 KB."]],
  },
  422: {
    name: "Unprocessable",
    description:
      "Well-formed, but unusable, one `details` entry per problem: against the event's registration form (unknown field, missing required field, wrong type or unknown option: `fields.<name>`), or a webhook's payload template or URL placeholders (`payload_template.<entry>`, `url`), or a template's parameters (`params.<name>`).",
    examples: [
      [
        "UNPROCESSABLE",
        "The attendee does not fit the event's form.",
        [{ path: "fields.email", message: "Required." }],
      ],
    ],
  },
  429: {
    name: "RateLimited",
    description: "Over 1,000 requests in 10 seconds with this key; retry after `retry-after`.",
    examples: [["RATE_LIMITED", "Too many requests for this key; slow down."]],
  },
  500: {
    name: "InternalError",
    description: "Unexpected error, never with a stack trace: quote the request id.",
    examples: [["INTERNAL", "Something went wrong on our side. Quote the request id."]],
  },
  503: {
    name: "Unavailable",
    description:
      "The database did not answer (an error, a timeout, an overloaded primary): nothing of the request was written. Retry after `retry-after` seconds, a create with the same `idempotency-key`.",
    examples: [["UNAVAILABLE", "The database did not answer; retry in a moment."]],
  },
};

const errorExample = ([code, message, details = []]: [ErrorCode, string, ErrorDetail[]?]) => ({
  error: { code, message, request_id: "req_5d1f0c3b9a8e4f6a8b2c7d9e0f1a2b3c", details },
});

function errorResponseObject(status: ErrorStatus) {
  const { description, examples } = ERROR_RESPONSES[status];
  const media =
    examples.length === 1
      ? { example: errorExample(examples[0]) }
      : {
          examples: Object.fromEntries(
            examples.map((example) => [
              example[0],
              { summary: example[0], value: errorExample(example) },
            ]),
          ),
        };
  return {
    description,
    headers: {
      ...responseHeaders,
      ...(status === 429 || status === 503 ? { "retry-after": header("RetryAfter") } : {}),
    },
    content: {
      "application/json": { schema: { $ref: "#/components/schemas/Error" }, ...media },
    },
  };
}

/**
 * Every /v1 operation can answer these (400: a malformed `x-d1-bookmark`, at least; 503: every
 * one reads the database).
 */
const ALWAYS = [400, 401, 403, 429, 500, 503] as const;

/**
 * An operation's error responses, as references: 400, 401, 403, 429, 500 and 503, and the statuses
 * it names. The rule the OpenAPI test checks: 413 where a request carries a body (every POST,
 * PUT and PATCH); 404 where a path, or a create's body, names a resource.
 */
export function errorResponses(...statuses: Array<404 | 409 | 413 | 422>) {
  const all = [...ALWAYS, ...statuses].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => [
      status,
      { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` },
    ]),
  );
}

/** Registers what the references above point at, and the bearer key scheme. */
export function registerComponents(registry: Registry) {
  registry.register("Error", ErrorSchema);
  for (const [name, definition] of Object.entries(HEADERS)) {
    registry.registerComponent("headers", name, definition);
  }
  for (const status of Object.keys(ERROR_RESPONSES).map(Number) as ErrorStatus[]) {
    registry.registerComponent(
      "responses",
      ERROR_RESPONSES[status].name,
      errorResponseObject(status),
    );
  }
  registry.registerComponent("parameters", "D1Bookmark", {
    name: "x-d1-bookmark",
    in: "header",
    required: false,
    description:
      "The `x-d1-bookmark` of an earlier answer: this request then reads data at least that fresh (reads otherwise go to the nearest D1 replica, which may lag behind a write you just made). The typed client sends the newest one it saw.",
    schema: { type: "string" },
  });
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "An admin key (`wft_admin_...`), an integration key (`wft_live_...`), or, for `POST /v1/accounts` only, the operator's bootstrap token.",
  });
}
