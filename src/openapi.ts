/** The top of the OpenAPI document: what Weft is and the choices the contract left open. */
export const openApiInfo = {
  openapi: "3.1.0",
  info: {
    title: "Weft API",
    version: "1.0.0",
    description: [
      "Weft stores profiles, events and their registrations (attendees), and lets an organiser hand that data",
      "to other systems through integration keys and signed webhooks.",
      "",
      '**Conventions.** JSON in and out. Every success body is `{ "data": ... }`; lists add `meta`',
      "(`page`, `page_size`, `total`, `last_page`) and are ordered by creation time, oldest first.",
      'Every error is `{ "error": { code, message, request_id, details } }` and every response carries',
      "`x-request-id`. Times are RFC 3339 UTC strings with milliseconds (`2026-05-01T09:00:00.000Z`).",
      "",
      "**Idempotency.** Creating `POST`s accept `idempotency-key` (1..255 chars). The same key with the same",
      "body within 24 hours returns the first response (with `idempotent-replayed: true`); with another body,",
      "or while the first request is still running, `409 CONFLICT`. Keys are scoped to the calling account.",
      "",
      "**Rate limits.** Each key may make 1,000 requests per 10 seconds; past that, `429 RATE_LIMITED` with",
      "`retry-after` (seconds).",
    ].join("\n"),
  },
  servers: [{ url: "http://127.0.0.1:8787", description: "Local development (`npm start`)" }],
  security: [{ bearerAuth: [] }],
};
