/**
 * A D1 call that failed for want of the database (an error, a timeout, an overloaded primary),
 * not because of what it asked: the API answers 503 with `retry-after`, the consumer retries the
 * message. A constraint failure is an answer, not an outage: services read it (compare-and-set,
 * capacity) and it stays as it is.
 */
export class DatabaseUnavailable extends Error {
  constructor(cause: unknown) {
    super("The database did not answer.", { cause });
    this.name = "DatabaseUnavailable";
  }
}

/** Runs a D1 call, telling an outage from an answer. */
export async function fromD1<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isAnswer(error) ? error : new DatabaseUnavailable(error);
  }
}

function isAnswer(error: unknown): boolean {
  // Constraints, and the errors guards raise on purpose (malformed JSON, a bad JSON path).
  return error instanceof Error && /constraint failed|malformed JSON|JSON path/.test(error.message);
}
