/** A page of a list (API.md §1): `page` from 1, `page_size` 1..200, optional `updated_since`. */
export type Pagination = { page: number; page_size: number; updated_since?: string };

/** The rows a page covers, as SQL's LIMIT and OFFSET. */
export function pageWindow(page: Pick<Pagination, "page" | "page_size">) {
  return { limit: page.page_size, offset: (page.page - 1) * page.page_size };
}

/** The `meta` of a list answer. */
export function pageMeta(page: Pick<Pagination, "page" | "page_size">, total: number) {
  return {
    page: page.page,
    page_size: page.page_size,
    total,
    last_page: Math.max(1, Math.ceil(total / page.page_size)),
  };
}
