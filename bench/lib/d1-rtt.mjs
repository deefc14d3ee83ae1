// Runs inside workerd, imported by the entry modules that bench/lib/stack.mjs writes around the
// built Worker and the baseline worker; never part of the Worker itself. It wraps every D1 binding
// of `env` (any binding with prepare, batch and withSession: DB, and any other D1 database) so
// that each round trip to the database first waits a round-trip time (RTT), the distance from a
// client far away; it also counts round trips, statements and D1's rows read/written, in all and
// per binding and per table written (docs/SCALE.md's writes per operation).
//
// One round trip is one call that reaches the database: `batch`, or `first`/`all`/`run`/`raw` of a
// statement, on the binding itself or on a session from `withSession()` (the Worker's
// src/db/session.ts runs everything through those two; src/db/client.ts builds drizzle on them).
//
// Where the Worker runs and where D1 answers (`placement`):
//   "far"      every round trip pays the RTT: the Worker near its client, the database (and any
//              replica) on another continent.
//   "replica"  a read replica next to the Worker: reads of a session opened unconstrained or on a
//              bookmark pay `replica_ms` until the session writes; writes, everything after a
//              write in that session, sessions opened on the primary, and calls outside a session
//              (the queue consumer, the cron, Durable Objects) pay the RTT.
//
// Which request a round trip belongs to: the entry module runs each request's `fetch` through
// `measured()` (AsyncLocalStorage, which follows the request into its waitUntil work), so a round
// trip is counted as on a request's response path (before its Response was returned; calls in
// flight together share one trip, as test/latency/round-trips.test.ts counts them), after its
// response (waitUntil work: the key's last_used_at stamp), or outside any request (the queue
// consumer, the cron, Durable Objects). Scenario 7 reports a request's response path: the totals
// also hold whatever an earlier request or the consumer did meanwhile.
//
// Controlled over HTTP (any path ending in /__bench/d1, answered before the wrapped worker):
//   GET  -> { config, stats }        POST { rtt_ms?, replica_ms?, placement?, reset? } -> the same

import { AsyncLocalStorage } from "node:async_hooks";

const WRAPPED = Symbol("bench-d1-rtt");
const WRITES = /^\s*(insert|update|delete|replace)\b/i;

const config = { rtt_ms: 0, replica_ms: 0, placement: "far" };
let stats = emptyStats();

function emptyStats() {
  return {
    round_trips: 0,
    round_trips_on_primary: 0,
    /** Round trips a request waited for before answering (concurrent ones counted once). */
    response_path: { round_trips: 0, paying_rtt: 0 },
    /** Round trips of a request's waitUntil work, after its response. */
    after_response: { round_trips: 0 },
    /** Round trips of no request: the queue consumer, the cron, Durable Objects. */
    outside_requests: { round_trips: 0 },
    batches: 0,
    statements: 0,
    write_statements: 0,
    rows_read: 0,
    rows_written: 0,
    /** Round trips whose meta D1 did not return (`first`, `raw`): rows not counted. */
    round_trips_without_meta: 0,
    /** Per binding name (DB, DELIVERIES_DB): round trips, write statements, rows written. */
    bindings: {},
    /** Per table written: write statements and the rows D1 says they wrote (indexes included). */
    tables: {},
    /** The last round trips, in order: when, where, and the SQL each began with. */
    trips: [],
  };
}

const TRACE_LENGTH = 50;

/** The request running, if any: whether it has answered, and its round trips in flight. */
const requests = new AsyncLocalStorage();

/** Runs one request's `fetch`, so that its round trips are told from others' (see the top). */
export async function measured(fetch) {
  const request = { responded: false, inFlight: 0, payingInFlight: 0 };
  try {
    return await requests.run(request, fetch);
  } finally {
    request.responded = true;
  }
}

/** Counts a round trip where it belongs; returns what to call when it is over. */
function attribute(paysRtt) {
  const request = requests.getStore();
  if (!request) {
    stats.outside_requests.round_trips++;
    return { when: "outside a request", done: () => {} };
  }
  if (request.responded) {
    stats.after_response.round_trips++;
    return { when: "after the response", done: () => {} };
  }
  if (request.inFlight === 0) stats.response_path.round_trips++;
  if (paysRtt && request.payingInFlight === 0) stats.response_path.paying_rtt++;
  request.inFlight++;
  if (paysRtt) request.payingInFlight++;
  return {
    when: "response path",
    done: () => {
      request.inFlight--;
      if (paysRtt) request.payingInFlight--;
    },
  };
}

const TABLE =
  /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update|delete\s+from)\s+["`]?(\w+)/i;

function bindingStats(name) {
  stats.bindings[name] ??= {
    round_trips: 0,
    statements: 0,
    write_statements: 0,
    rows_written: 0,
    /** D1's own `meta.duration`: the time the database spent on the statements (ms). */
    duration_ms: 0,
  };
  return stats.bindings[name];
}

const wait = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : null);

/** Counts a D1 result's meta (a batch gives one result per statement, in `sqls`' order). */
function record(result, sqls, binding) {
  const results = Array.isArray(result) ? result : [result];
  for (const [i, one] of results.entries()) {
    const meta = one?.meta;
    const table = sqls[i]?.match(TABLE)?.[1];
    if (table) {
      stats.tables[table] ??= { write_statements: 0, rows_written: 0 };
      stats.tables[table].write_statements++;
      stats.tables[table].rows_written += meta?.rows_written ?? 0;
      binding.write_statements++;
    }
    if (!meta) continue;
    stats.rows_read += meta.rows_read ?? 0;
    stats.rows_written += meta.rows_written ?? 0;
    binding.rows_written += meta.rows_written ?? 0;
    binding.duration_ms += meta.duration ?? 0;
  }
  return result;
}

/**
 * Where statements go: the binding itself (`session` null) or one session. `trip` waits what the
 * placement says this round trip costs, then runs it.
 */
class Link {
  constructor(session, name) {
    this.session = session;
    this.name = name;
    this.written = false;
  }

  async trip(statementCount, writes, run, hasMeta, sqls = []) {
    const local =
      config.placement === "replica" &&
      this.session !== null &&
      this.session !== "first-primary" &&
      !this.written &&
      !writes;
    if (writes) this.written = true;
    stats.round_trips++;
    if (!local) stats.round_trips_on_primary++;
    stats.statements += statementCount;
    if (!hasMeta) stats.round_trips_without_meta++;
    const counted = attribute(!local);
    stats.trips.push({
      at: Date.now(),
      when: counted.when,
      binding: this.name,
      session: this.session ?? "none",
      statements: statementCount,
      sql: sqls.map((sql) => sql.replace(/\s+/g, " ").slice(0, 60)),
    });
    if (stats.trips.length > TRACE_LENGTH) stats.trips.shift();
    const binding = bindingStats(this.name);
    binding.round_trips++;
    binding.statements += statementCount;
    try {
      const delay = wait(local ? config.replica_ms : config.rtt_ms);
      if (delay) await delay;
      return record(await run(), sqls, binding);
    } finally {
      counted.done();
    }
  }
}

class Statement {
  constructor(link, inner, sql) {
    this.link = link;
    this.inner = inner;
    this.sql = sql;
    this[WRAPPED] = inner;
  }

  get writes() {
    return WRITES.test(this.sql);
  }

  bind(...values) {
    return new Statement(this.link, this.inner.bind(...values), this.sql);
  }

  #single(run, hasMeta) {
    if (this.writes) stats.write_statements++;
    return this.link.trip(1, this.writes, run, hasMeta, [this.sql]);
  }

  first(...args) {
    return this.#single(() => this.inner.first(...args), false);
  }
  all(...args) {
    return this.#single(() => this.inner.all(...args), true);
  }
  run(...args) {
    return this.#single(() => this.inner.run(...args), true);
  }
  raw(...args) {
    return this.#single(() => this.inner.raw(...args), false);
  }
}

/** A statement as D1 wants it back in `batch` (ours unwrapped; anything else as it is). */
const unwrap = (statement) => statement?.[WRAPPED] ?? statement;

function wrapExecutor(inner, link, extra) {
  return {
    [WRAPPED]: inner,
    prepare(sql) {
      return new Statement(link, inner.prepare(sql), sql);
    },
    batch(statements) {
      const writes = statements.filter((s) => WRITES.test(s?.sql ?? "")).length;
      stats.batches++;
      stats.write_statements += writes;
      return link.trip(
        statements.length,
        writes > 0,
        () => inner.batch(statements.map(unwrap)),
        true,
        statements.map((s) => s?.sql ?? ""),
      );
    },
    ...extra,
  };
}

function wrapSession(inner, constraint, name) {
  return wrapExecutor(inner, new Link(constraint, name), {
    getBookmark: () => inner.getBookmark(),
  });
}

const wrappedBindings = new WeakMap();

/** The binding wrapped, the same object every time (Weft caches drizzle per binding object). */
function wrapD1(binding, name) {
  let wrapped = wrappedBindings.get(binding);
  if (!wrapped) {
    const link = new Link(null, name);
    wrapped = wrapExecutor(binding, link, {
      withSession: (constraint = "first-unconstrained") =>
        wrapSession(binding.withSession(constraint), constraint, name),
      exec: (sql) => link.trip(1, WRITES.test(sql), () => binding.exec(sql), false),
      dump: () => binding.dump(),
    });
    wrappedBindings.set(binding, wrapped);
  }
  return wrapped;
}

const isD1 = (value) =>
  typeof value === "object" &&
  value !== null &&
  !value[WRAPPED] &&
  typeof value.prepare === "function" &&
  typeof value.batch === "function" &&
  typeof value.withSession === "function";

const wrappedEnvs = new WeakMap();

/** `env` with every D1 binding wrapped; every other binding as it is. */
export function wrapEnv(env) {
  let wrapped = wrappedEnvs.get(env);
  if (!wrapped) {
    wrapped = new Proxy(env, {
      get(target, name) {
        const value = target[name];
        return isD1(value) ? wrapD1(value, String(name)) : value;
      },
    });
    wrappedEnvs.set(env, wrapped);
  }
  return wrapped;
}

/** Answers the control path, or returns null for any other request. */
export async function control(request) {
  if (!new URL(request.url).pathname.endsWith("/__bench/d1")) return null;
  if (request.method === "POST") {
    const body = await request.json();
    if (body.rtt_ms !== undefined) config.rtt_ms = Number(body.rtt_ms);
    if (body.replica_ms !== undefined) config.replica_ms = Number(body.replica_ms);
    if (body.placement !== undefined) {
      if (body.placement !== "far" && body.placement !== "replica") {
        return new Response("placement is far or replica", { status: 400 });
      }
      config.placement = body.placement;
    }
    if (body.reset) stats = emptyStats();
  }
  return Response.json({ config, stats });
}
