import { AsyncLocalStorage } from "node:async_hooks";
import { DatabaseUnavailable, fromD1 } from "./unavailable";

/**
 * Where a query runs. A request reads through its D1 session (the Sessions API): the nearest
 * replica at least as fresh as the bookmark the client sent (`x-d1-bookmark`), while writes go to
 * the primary. The queue consumer, the cron and the Durable Object read and write the primary.
 *
 * drizzle is built once per isolate (and its prepared queries with it): its client is a
 * `RoutedD1` whose statements pick the running request's session when they execute, found
 * through AsyncLocalStorage. A request may also ask for statements to ride on its first read, or
 * on its first write when it writes before reading (its key's check, src/auth/middleware.ts): one
 * round trip instead of two.
 */

type Executor = Pick<D1Database, "prepare" | "batch">;
type Method = "all" | "raw" | "first" | "run";

/** What a statement is until it runs: its SQL and values, bound to a session only then. */
class LazyStatement {
  constructor(
    private readonly router: RoutedD1,
    readonly sql: string,
    readonly params: readonly unknown[] = [],
    /** A select of one row at most (`atMostOneRow`). */
    readonly oneRow = false,
  ) {}

  bind(...params: unknown[]): LazyStatement {
    return new LazyStatement(this.router, this.sql, params, this.oneRow);
  }

  /** The same statement, known to select one row at most. */
  atMostOneRow(): LazyStatement {
    return new LazyStatement(this.router, this.sql, this.params, true);
  }

  all() {
    return this.router.target().single(this, "all");
  }
  raw() {
    return this.router.target().single(this, "raw");
  }
  first() {
    return this.router.target().single(this, "first");
  }
  run() {
    return this.router.target().single(this, "run");
  }

  /** Whether it changes data: such a statement must not run before the request's check. */
  get writes(): boolean {
    return /^\s*(insert|update|delete|replace)\b/i.test(this.sql);
  }

  on(executor: Executor): D1PreparedStatement {
    return executor.prepare(this.sql).bind(...this.params);
  }
}

/** Runs statements somewhere: straight on an executor, or through a request's session. */
interface Target {
  batch(statements: LazyStatement[]): Promise<D1Result[]>;
  single(statement: LazyStatement, method: Method): Promise<unknown>;
}

const current = new AsyncLocalStorage<Target>();

/** The client drizzle is built on (src/db/client.ts): D1's API, routed per request. */
export class RoutedD1 {
  private readonly direct: Target;

  constructor(binding: D1Database) {
    this.direct = directTarget(binding);
  }

  prepare(sql: string): LazyStatement {
    return new LazyStatement(this, sql);
  }

  batch(statements: LazyStatement[]): Promise<D1Result[]> {
    return this.target().batch(statements);
  }

  target(): Target {
    return current.getStore() ?? this.direct;
  }
}

function directTarget(executor: Executor): Target {
  return {
    batch: (statements) => fromD1(() => executor.batch(statements.map((s) => s.on(executor)))),
    single: (statement, method) => fromD1(() => execute(statement.on(executor), method)),
  };
}

function execute(statement: D1PreparedStatement, method: Method): Promise<unknown> {
  if (method === "all") return statement.all();
  if (method === "raw") return statement.raw();
  if (method === "first") return statement.first();
  return statement.run();
}

/** The same answer as `method` would give, from a batch's result. */
function asMethod(result: D1Result, method: Method): unknown {
  if (method === "first") return result.results[0] ?? null;
  // drizzle reads batch rows the same way (d1ToRawMapping).
  if (method === "raw") return result.results.map((row) => Object.values(row as object));
  return result;
}

/**
 * `statement` marked as a select of one row at most (db/prepared.ts `jsonQuery`): it may then
 * run merged with the request's rider into one statement (`RequestSession.withRider`).
 */
export function atMostOneRow<S>(statement: S): S {
  return statement instanceof LazyStatement ? (statement.atMostOneRow() as S) : statement;
}

/** A statement as text and its values, bound to a session only when it runs. */
type SqlText = { sql: string; params: readonly unknown[]; oneRow?: boolean };

/** Statements that ride on a request's first read, and what must hold of their results. */
export type Rider = {
  statements: SqlText[];
  /** Throws (an ApiError) when the results refuse the request; runs before any other result is used. */
  verify(results: D1Result[]): void;
};

/**
 * A statement that fails the batch it leads when the request may not write: every batch that
 * writes starts with it, so the primary itself refuses a key revoked a moment ago (a replica that
 * has not seen the revocation can still answer a read; it cannot let a write through).
 */
export type WriteGuard = {
  statement: SqlText;
  /** Whether a failed batch failed because of the guard. */
  failedOn(error: unknown): boolean;
  /** What to throw then. */
  refusal(): Error;
  /**
   * The guard and `rider`'s check in one statement, whose result is what the rider verifies: a
   * write that carries that rider leads with it instead of the guard and the rider's statements
   * (one statement fewer in the batch).
   */
  withCheck?: { rider: Rider; statement(): SqlText };
};

/** The D1 session of one request (API.md §8 "Consistency"). */
export class RequestSession implements Target {
  private readonly session: D1DatabaseSession;
  private primarySession: D1DatabaseSession | undefined;
  private rider: Rider | undefined;
  private guard: WriteGuard | undefined;
  /** Settles once the rider has been verified (or failed); other queries wait on it. */
  private verified: Promise<void> = Promise.resolve();

  constructor(
    private readonly binding: D1Database,
    bookmark: string | null,
  ) {
    this.session = binding.withSession(bookmark ?? "first-unconstrained");
  }

  /** Runs `work` with every query of it in this session. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return current.run(this, work);
  }

  /** Statements to send with the first read of the request, checked before anything else. */
  ride(rider: Rider): void {
    this.rider = rider;
  }

  /** The statement every writing batch of this request starts with. */
  guardWrites(guard: WriteGuard): void {
    this.guard = guard;
  }

  /**
   * Runs `work` against the primary: to confirm that something is really missing (a replica may
   * lag behind a create), or to re-read after a compare-and-set lost to a concurrent change.
   */
  async onPrimary<T>(work: () => Promise<T>): Promise<T> {
    await this.settle();
    this.primarySession ??= this.binding.withSession("first-primary");
    return current.run(directTarget(this.primarySession), work);
  }

  /** The newest bookmark this request has seen (bookmarks sort as text), for `x-d1-bookmark`. */
  bookmark(): string | null {
    const marks = [this.session.getBookmark(), this.primarySession?.getBookmark()];
    return (
      marks
        .filter((mark): mark is string => Boolean(mark))
        .sort()
        .at(-1) ?? null
    );
  }

  async batch(statements: LazyStatement[]): Promise<D1Result[]> {
    if (statements.some((s) => s.writes)) {
      if (this.guard) return this.guardedWrite(this.guard, statements);
      // Without a guard to refuse for it, the check runs first, alone.
      await this.settle();
      return fromD1(() => this.session.batch(statements.map((s) => s.on(this.session))));
    }
    const rider = this.takeRider();
    if (rider) return this.withRider(rider, statements);
    await this.verified;
    return fromD1(() => this.session.batch(statements.map((s) => s.on(this.session))));
  }

  async single(statement: LazyStatement, method: Method): Promise<unknown> {
    if (statement.writes) {
      const [result] = await this.batch([statement]);
      return asMethod(result, method);
    }
    const rider = this.takeRider();
    if (rider) return asMethod((await this.withRider(rider, [statement]))[0], method);
    await this.verified;
    return fromD1(() => execute(statement.on(this.session), method));
  }

  /**
   * A batch that writes, on the primary, led by the guard: a refused request changes nothing. The
   * guard refuses whatever the key's check would (src/auth/middleware.ts), so a check no read has
   * carried yet rides here too: it passed on the same data, so it cannot refuse what was written.
   * When the guard refuses, the check alone on the primary says why (revoked, expired, API access
   * turned off).
   */
  private async guardedWrite(guard: WriteGuard, statements: LazyStatement[]): Promise<D1Result[]> {
    const rider = this.takeRider();
    if (!rider) await this.verified;
    const check = rider ? this.verifying() : undefined;
    const merged =
      rider && guard.withCheck?.rider === rider ? guard.withCheck.statement() : undefined;
    const lead = merged ? [merged] : [guard.statement, ...(rider?.statements ?? [])];
    try {
      const all = await fromD1(() =>
        this.session.batch([
          ...bound(this.session, lead),
          ...statements.map((s) => s.on(this.session)),
        ]),
      );
      rider?.verify(merged ? all.slice(0, 1) : all.slice(1, lead.length));
      check?.done();
      return all.slice(lead.length);
    } catch (error) {
      if (!rider) throw guard.failedOn(error) ? guard.refusal() : error;
      if (guard.failedOn(error)) {
        const refusal = await this.refusalOf(rider, guard);
        check?.failed(refusal);
        throw refusal;
      }
      // A statement after the guard refused the change (a constraint): the guard, run first,
      // passed, but the check's results went with the batch: the next query carries it again.
      // Without an answer from D1 nothing is known of the key.
      if (error instanceof DatabaseUnavailable) {
        check?.failed(error);
      } else {
        this.rider = rider;
        check?.done();
      }
      throw error;
    }
  }

  /** Why the guard refused: the check's own answer on the primary, else the guard's. */
  private async refusalOf(rider: Rider, guard: WriteGuard): Promise<unknown> {
    this.primarySession ??= this.binding.withSession("first-primary");
    try {
      rider.verify(await runAlone(this.primarySession, rider));
    } catch (error) {
      return error;
    }
    return guard.refusal();
  }

  /** A pending `verified`: queries started meanwhile wait for the check in flight. */
  private verifying() {
    let done: () => void = () => {};
    let failed: (error: unknown) => void = () => {};
    this.verified = new Promise<void>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    this.verified.catch(() => {});
    return { done, failed };
  }

  private takeRider(): Rider | undefined {
    const rider = this.rider;
    this.rider = undefined;
    return rider;
  }

  /** Runs the rider now if nothing has carried it yet: a request answers only once it passed. */
  async settle(): Promise<void> {
    const rider = this.takeRider();
    if (rider) await this.verifyAlone(rider);
    else await this.verified;
  }

  /** The rider alone (before the primary is asked, or before answering without a read). */
  private verifyAlone(rider: Rider): Promise<void> {
    this.verified = runAlone(this.session, rider).then((results) => rider.verify(results));
    return this.verified;
  }

  /** The rider's statements first, then `statements`, in one round trip. */
  private async withRider(rider: Rider, statements: LazyStatement[]): Promise<D1Result[]> {
    const { done, failed } = this.verifying();
    try {
      const parts = [...rider.statements, ...statements];
      const all = parts.every(mergeable)
        ? await fromD1(() => asOneStatement(this.session, parts))
        : await fromD1(() => this.session.batch(bound(this.session, parts)));
      rider.verify(all.slice(0, rider.statements.length));
      done();
      return all.slice(rider.statements.length);
    } catch (error) {
      failed(error);
      throw error;
    }
  }
}

function bound(session: D1DatabaseSession, statements: readonly SqlText[]) {
  return statements.map((s) => session.prepare(s.sql).bind(...s.params));
}

/** Names the column that opens each part of a merged statement (`asOneStatement`). */
const PART = "weft_part";

/**
 * A select of one row at most, its values plain `?` in order (as drizzle writes them), without
 * comments, and without a WITH clause: a page of attendees (its CTE) merged so cost SQLite more
 * to compile than the statement it saved (bench/README.md).
 */
function mergeable(statement: SqlText): boolean {
  return statement.oneRow === true && !/^\s*WITH\b|\?\d|--|\/\*/i.test(statement.sql);
}

/**
 * Selects of one row at most, run as one statement whose single row holds each one's columns
 * after a marker (NULL when that select found no row), and handed back as a batch would have
 * answered them. Each statement of a batch costs D1 about as much again as a short read (locally,
 * Miniflare's D1 object spends on each: bench/README.md); the key's check and a read of one row
 * are most reads.
 */
async function asOneStatement(session: D1DatabaseSession, parts: SqlText[]): Promise<D1Result[]> {
  const joined = parts
    .map((part) => `LEFT JOIN (SELECT 1 AS "${PART}", * FROM (${part.sql})) ON 1`)
    .join(" ");
  const [names, values = []] = await session
    .prepare(`SELECT * FROM (SELECT 1) ${joined}`)
    .bind(...parts.flatMap((part) => part.params))
    .raw({ columnNames: true });
  const starts = names.flatMap((name, index) => (index > 0 && name === PART ? [index] : []));
  return starts.map((start, i) => {
    const end = starts[i + 1] ?? names.length;
    const row: Record<string, unknown> = {};
    for (let column = start + 1; column < end; column++) row[names[column]] = values[column];
    const results = values[start] === null ? [] : [row];
    return { success: true, results, meta: {} } as unknown as D1Result;
  });
}

/** A rider's statements alone, in one round trip. */
function runAlone(session: D1DatabaseSession, rider: Rider): Promise<D1Result[]> {
  return fromD1(() => session.batch(bound(session, rider.statements)));
}
