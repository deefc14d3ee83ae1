/**
 * Structured logs: one JSON object per line, which Workers Logs indexes field by field.
 * Fields name things by id (request, account, delivery): never a key, secret, header value or
 * personal data (test/security/logs.test.ts reads every line a full scenario writes).
 */

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type Logger = {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (a request's id, a delivery's id). */
  with(fields: LogFields): Logger;
};

type Level = "info" | "warn" | "error";

const WRITE: Record<Level, (line: string) => void> = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

export function createLogger(base: LogFields = {}): Logger {
  const write =
    (level: Level) =>
    (message: string, fields: LogFields = {}) =>
      WRITE[level](JSON.stringify({ level, message, ...base, ...fields }));
  return {
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    with: (fields) => createLogger({ ...base, ...fields }),
  };
}

/** The name of an error and, only for our own errors, its message (a library's may quote input). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
