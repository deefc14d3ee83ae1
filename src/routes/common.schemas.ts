import { z } from "@hono/zod-openapi";

export const Timestamp = z.string().openapi({ example: "2026-05-01T09:00:00.000Z" });

/** An RFC 3339 date-time with an offset (`Z` or `+02:00`). */
export const DateTimeInput = z.iso
  .datetime({ offset: true })
  .openapi({ example: "2026-06-12T07:00:00Z" });

export const PaginationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
  page_size: z.coerce.number().int().min(1).max(200).default(50).openapi({ example: 50 }),
  updated_since: DateTimeInput.optional().openapi({
    description: "Only items updated at or after this time.",
  }),
});

/** `page` and `page_size` alone, for lists of things that are never updated (keys, actions). */
export const PageQuery = PaginationQuery.pick({ page: true, page_size: true });

export const PageMeta = z
  .object({
    page: z.number().int(),
    page_size: z.number().int(),
    total: z.number().int(),
    last_page: z.number().int(),
  })
  .openapi("PageMeta", { example: { page: 1, page_size: 50, total: 1, last_page: 1 } });

export const dataOf = <T extends z.ZodType>(schema: T) => z.object({ data: schema });
export const listOf = <T extends z.ZodType>(schema: T) =>
  z.object({ data: z.array(schema), meta: PageMeta });

export function jsonContent<T extends z.ZodType>(
  schema: T,
  description: string,
  example?: unknown,
) {
  return {
    description,
    content: { "application/json": example === undefined ? { schema } : { schema, example } },
  };
}

export function jsonBody<T extends z.ZodType>(schema: T, example?: unknown) {
  return {
    required: true,
    content: { "application/json": example === undefined ? { schema } : { schema, example } },
  };
}

export const IdempotencyHeaders = z.object({
  "idempotency-key": z.string().min(1).max(255).optional().openapi({
    description:
      "Makes a create safe to retry: the same key with the same body within 24 h returns the first response.",
    example: "5f1c2a8e-7d2b-4c61-9a0e-3b2f1d4c5e6f",
  }),
});
