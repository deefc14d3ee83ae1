import { env } from "cloudflare:workers";

/**
 * Counts what a request costs a client far from the database, on its response path (work left to
 * waitUntil is not counted): its sequential D1 round trips (calls that start while no other is
 * in flight, on either binding; concurrent ones share a trip), those that carry a write (they go
 * to the primary; concurrent writes share one too), and the queue sends it waits for.
 */
export type Cost = { roundTrips: number; primaryRoundTrips: number; queueSends: number };

/** How long a counted queue send takes: a send the response waits for delays it this much. */
const QUEUE_SEND_MS = 50;

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

export function costMeter() {
  const cost: Cost = { roundTrips: 0, primaryRoundTrips: 0, queueSends: 0 };
  /** D1 calls made after the response (waitUntil work: the key's last_used_at stamp), with their SQL. */
  const afterResponse: string[][] = [];
  // Across both bindings (DB, DELIVERIES_DB): calls in flight together share one trip.
  let inFlight = 0;
  let writesInFlight = 0;
  let responded = false;

  const count = async <T>(sql: string[], call: () => Promise<T>): Promise<T> => {
    const writes = sql.some((text) => WRITE.test(text));
    if (!responded) {
      if (inFlight === 0) cost.roundTrips++;
      if (writes && writesInFlight === 0) cost.primaryRoundTrips++;
    } else {
      afterResponse.push(sql);
    }
    inFlight++;
    if (writes) writesInFlight++;
    try {
      return await call();
    } finally {
      inFlight--;
      if (writes) writesInFlight--;
    }
  };

  /** Statements that remember their SQL and count when they run. */
  const statement = (inner: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const wrapped = {
      sql,
      inner,
      bind: (...values: unknown[]) => statement(inner.bind(...values), sql),
      all: () => count([sql], () => inner.all()),
      raw: (options?: { columnNames: true }) =>
        count([sql], () => inner.raw(options as { columnNames: true })),
      first: () => count([sql], () => inner.first()),
      run: () => count([sql], () => inner.run()),
    };
    return wrapped as unknown as D1PreparedStatement;
  };
  type Counted = { sql: string; inner: D1PreparedStatement };
  const executor = (inner: Pick<D1Database, "prepare" | "batch">) => ({
    prepare: (sql: string) => statement(inner.prepare(sql), sql),
    batch: (statements: D1PreparedStatement[]) => {
      const counted = statements as unknown as Counted[];
      return count(
        counted.map((s) => s.sql),
        () => inner.batch(counted.map((s) => s.inner)),
      );
    },
  });

  const DB = {
    ...executor(env.DB),
    exec: (query: string) => env.DB.exec(query),
    dump: () => env.DB.dump(),
    withSession: (constraint?: string) => {
      const session = env.DB.withSession(constraint);
      return { ...executor(session), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
  const DELIVERIES_DB = {
    ...executor(env.DELIVERIES_DB),
    exec: (query: string) => env.DELIVERIES_DB.exec(query),
    dump: () => env.DELIVERIES_DB.dump(),
  } as unknown as D1Database;

  const TRIGGERS = {
    send: async (message: unknown, options?: QueueSendOptions) => {
      await new Promise((resolve) => setTimeout(resolve, QUEUE_SEND_MS));
      if (!responded) cost.queueSends++;
      return env.TRIGGERS.send(message, options);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
      await new Promise((resolve) => setTimeout(resolve, QUEUE_SEND_MS));
      if (!responded) cost.queueSends++;
      return env.TRIGGERS.sendBatch(messages, options);
    },
  } as unknown as Queue;

  return {
    /** Bindings to pass as the request's `env`. */
    env: { DB, DELIVERIES_DB, TRIGGERS },
    /** Pass as the request's `onResponse`: sends after it are off the response path. */
    responded: () => {
      responded = true;
    },
    cost,
    afterResponse,
  };
}
