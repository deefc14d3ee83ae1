import { z } from "@hono/zod-openapi";
import { responseHeaders } from "../openapi/components";

export const Timestamp = z.string().openapi({ example: "2026-05-01T09:00:00.000Z" });

/** An RFC 3339 date-time with an offset (`Z` or `+02:00`). */
export const DateTimeInput = z.iso
  .datetime({ offset: true })
  .openapi({ example: "2026-06-12T07:00:00Z" });

/**
 * Optional query parameters carry no `example`: Swagger UI would fill it in and send it, and a
 * filter nobody chose makes a list come back empty.
 */
const DateTimeQuery = z.iso.datetime({ offset: true });

export const PaginationQuery = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .openapi({ description: "The page to return, from 1." }),
  page_size: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: "Items per page, 1 to 200." }),
  updated_since: DateTimeQuery.optional().openapi({
    description:
      "Only items updated at or after this time (RFC 3339, e.g. `2026-05-01T00:00:00Z`).",
  }),
});

/** `page` and `page_size` alone, for lists of things that are never updated (keys, actions). */
export const PageQuery = PaginationQuery.pick({ page: true, page_size: true });

/** An optional date-time filter of a list. */
export const dateTimeFilter = (description: string) =>
  DateTimeQuery.optional().openapi({ description });

export const PAGE_META_EXAMPLE = { page: 1, page_size: 50, total: 1, last_page: 1 };

export const PageMeta = z
  .object({
    page: z.number().int(),
    page_size: z.number().int(),
    total: z.number().int().openapi({ description: "Items on every page together." }),
    last_page: z.number().int().openapi({ description: "The last page (1 when there is none)." }),
  })
  .openapi("PageMeta", { example: PAGE_META_EXAMPLE });

export const dataOf = <T extends z.ZodType>(schema: T) => z.object({ data: schema });
export const listOf = <T extends z.ZodType>(schema: T) =>
  z.object({ data: z.array(schema), meta: PageMeta });

/** A JSON success response with its example and the headers of every /v1 answer. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string, example: unknown) {
  return {
    description,
    headers: responseHeaders,
    content: { "application/json": { schema, example } },
  };
}

/** The same with several named examples (shapes that differ by caller). */
export function jsonContentExamples<T extends z.ZodType>(
  schema: T,
  description: string,
  examples: Record<string, { summary: string; value: unknown }>,
) {
  return {
    description,
    headers: responseHeaders,
    content: { "application/json": { schema, examples } },
  };
}

/** `{ "data": item }`, with an example of the item. */
export const dataResponse = <T extends z.ZodType>(
  schema: T,
  description: string,
  example: unknown,
) => jsonContent(dataOf(schema), description, { data: example });

/** One page: `{ "data": [item], "meta": ... }`, with an example of one item. */
export const listResponse = <T extends z.ZodType>(
  schema: T,
  description: string,
  example: unknown,
) => jsonContent(listOf(schema), description, { data: [example], meta: PAGE_META_EXAMPLE });

export const noContent = (description: string) => ({ description, headers: responseHeaders });

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/**
 * A body schema whose optional properties get their defaults after validation. The document
 * shows them optional, with the default in words: a `default` keyword would make
 * openapi-typescript type them as always present, so a client could not leave them out.
 */
export function withDefaults<S extends z.ZodObject, K extends keyof z.output<S>>(
  schema: S,
  defaults: Filled<z.output<S>, K>,
) {
  return schema.transform(
    (body) => ({ ...defaults, ...body }) as Omit<typeof body, K> & typeof defaults,
  );
}

type Filled<T, K extends keyof T> = { [P in K]-?: Exclude<T[P], undefined> };

/** Shared by every create: one `components.parameters` entry (app.ts registers it). */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .openapi("IdempotencyKey", {
    param: { name: "idempotency-key", in: "header" },
    description:
      "Makes this create safe to retry: send a new random value (a UUID) for each thing you mean to create, and the same value when you retry it. The same key with the same body within 24 hours returns the first response (with `idempotent-replayed: true`); with another body, or while the first request still runs, 409. Keys are scoped to your account. The docs page at `/docs` sends a fresh UUID with every request that has none.",
  });

export const IdempotencyHeaders = z.object({ "idempotency-key": IdempotencyKey });
