// The soak's control (`npm run bench -- --soak --control`): a bare worker that answers the soak's
// requests with the same kinds of binding calls as Weft and nothing of Weft's code, so that
// workerd's memory under the same load can be told apart from Weft's. It runs with Weft's bindings
// (wrangler.toml: D1 `DB` and `DELIVERIES_DB`, queue `TRIGGERS` and its consumer, the `ENDPOINT`
// and `PROFILE_LOCK` Durable Objects, `RATE_LIMITER`) on tables of its own (`c_*`, created by
// POST /__control/seed). Per request: the rate limiter, the key's SHA-256 and one D1 batch that
// looks it up beside the read; a write is one batch (the row and its trigger) and a queue send
// after the response. The consumer reads each trigger, inserts one delivery per webhook that
// fires, and wakes that webhook's ENDPOINT object, which claims its due deliveries, sends each
// with `fetch` (15 s timeout, the body read), records the attempt in one batch and queues a
// retry on Weft's schedule (5 s, 5 min, 30 min...). An activation goes through the profile's
// PROFILE_LOCK object (`blockConcurrencyWhile`, a read and a write). The cron wakes endpoints with
// overdue deliveries. No correctness checks run on it: it exists for its memory figures.
import { DurableObject } from "cloudflare:workers";

const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200];
const TIMEOUT_MS = 15_000;
const CONCURRENCY = 10;

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS c_keys (hash TEXT PRIMARY KEY, kind TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS c_events (id TEXT PRIMARY KEY, name TEXT NOT NULL, profile TEXT NOT NULL, guest_count INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS c_attendees (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, fields TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
  "CREATE INDEX IF NOT EXISTS c_attendees_event ON c_attendees (event_id, created_at)",
  "CREATE TABLE IF NOT EXISTS c_profiles (id TEXT PRIMARY KEY, active TEXT)",
  "CREATE TABLE IF NOT EXISTS c_webhooks (id TEXT PRIMARY KEY, integration TEXT NOT NULL, trigger TEXT NOT NULL, url TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1)",
  "CREATE TABLE IF NOT EXISTS c_triggers (id TEXT PRIMARY KEY, trigger TEXT NOT NULL, event_id TEXT NOT NULL, entity TEXT NOT NULL, snapshot TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS c_deliveries (id TEXT PRIMARY KEY, webhook TEXT NOT NULL, entity TEXT NOT NULL, trigger TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL, locked_until TEXT, created_at TEXT NOT NULL)",
  "CREATE INDEX IF NOT EXISTS c_deliveries_due ON c_deliveries (webhook, status, next_at)",
  "CREATE TABLE IF NOT EXISTS c_attempts (id TEXT PRIMARY KEY, delivery TEXT NOT NULL, attempt INTEGER NOT NULL, status_code INTEGER, error TEXT, excerpt TEXT, started_at TEXT NOT NULL, duration_ms INTEGER NOT NULL)",
];

const id = (prefix) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
const now = () => new Date().toISOString();
const json = (data, status = 200) => Response.json(data, { status });

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key's hash, looked up in the same batch as the request's statements. */
async function withKey(request, env, statements) {
  const secret = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
  await env.RATE_LIMITER.limit({ key: secret.slice(0, 16) });
  const hash = await sha256(secret);
  const [key, ...rest] = await env.DB.batch([
    env.DB.prepare("SELECT kind FROM c_keys WHERE hash = ?").bind(hash),
    ...statements,
  ]);
  return key.results.length ? rest : null;
}

async function seed(env, receiverUrl) {
  await env.DB.batch(SCHEMA.map((sql) => env.DB.prepare(sql)));
  const admin = `ctl_admin_${crypto.randomUUID()}`;
  const read = `ctl_read_${crypto.randomUUID()}`;
  const world = {
    world: { adminKey: admin },
    readKey: read,
    eventA: id("evt"),
    eventB: id("evt"),
    profileA: id("pro"),
    profileB: id("pro"),
    integrationA: id("int"),
    x: id("int"),
    y: id("int"),
  };
  const hooks = {
    create: [world.integrationA, "guest.create", "/soak/a/create"],
    update: [world.integrationA, "guest.update", "/soak/a/update"],
    gone: [world.integrationA, "guest.create", "/soak/gone/create"],
    x: [world.x, "guest.create", "/soak/x/create"],
    y: [world.y, "guest.create", "/soak/y/create"],
  };
  world.webhooks = {};
  const at = now();
  const statements = [
    env.DB.prepare("INSERT INTO c_keys VALUES (?, 'admin'), (?, 'integration')").bind(
      await sha256(admin),
      await sha256(read),
    ),
    env.DB.prepare(
      "INSERT INTO c_events VALUES (?, 'Soak A', ?, 0, ?), (?, 'Soak B', ?, 0, ?)",
    ).bind(world.eventA, world.profileA, at, world.eventB, world.profileB, at),
    env.DB.prepare("INSERT INTO c_profiles VALUES (?, ?), (?, ?)").bind(
      world.profileA,
      world.integrationA,
      world.profileB,
      world.x,
    ),
  ];
  for (const [name, [integration, trigger, path]] of Object.entries(hooks)) {
    world.webhooks[name] = id("whk");
    statements.push(
      env.DB.prepare("INSERT INTO c_webhooks VALUES (?, ?, ?, ?, 1)").bind(
        world.webhooks[name],
        integration,
        trigger,
        receiverUrl + path,
      ),
    );
  }
  await env.DB.batch(statements);
  // 2,000 attendees on event A, as the soak seeds Weft's.
  for (let n = 0; n < 2_000; n += 20) {
    const rows = Array.from({ length: 20 }, (_, i) => n + i);
    await env.DB.prepare(
      `INSERT INTO c_attendees VALUES ${rows.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
    )
      .bind(
        ...rows.flatMap((i) => [
          `gst_seed${i}`,
          world.eventA,
          JSON.stringify({
            email: `guest${i}@example.com`,
            firstname: `First${i}`,
            lastname: `Last${i}`,
          }),
          new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
          new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
        ]),
      )
      .run();
  }
  await env.DB.prepare("UPDATE c_events SET guest_count = 2000 WHERE id = ?")
    .bind(world.eventA)
    .run();
  return world;
}

/** An attendee written with its trigger in one batch; the trigger's message after the response. */
async function write(request, env, ctx, { uid, eventId, fields, trigger, update }) {
  const at = now();
  const triggerId = id("trg");
  const snapshot = JSON.stringify({ uid, event_uid: eventId, fields, updated_at: at });
  const row = update
    ? env.DB.prepare(
        "UPDATE c_attendees SET fields = json_patch(fields, ?), updated_at = ? WHERE id = ? RETURNING event_id",
      ).bind(JSON.stringify(fields), at, uid)
    : env.DB.prepare("INSERT INTO c_attendees VALUES (?, ?, ?, ?, ?) RETURNING event_id").bind(
        uid,
        eventId,
        JSON.stringify(fields),
        at,
        at,
      );
  const checked = await withKey(request, env, [
    env.DB.prepare("SELECT id FROM c_events WHERE id = ?").bind(eventId ?? ""),
  ]);
  if (!checked) return json({ error: "unauthorized" }, 401);
  const [written] = await env.DB.batch([
    row,
    env.DB.prepare(
      "INSERT INTO c_triggers SELECT ?, ?, event_id, ?, ?, 'pending', ? FROM c_attendees WHERE id = ?",
    ).bind(triggerId, trigger, uid, snapshot, at, uid),
  ]);
  if (!written.results.length) return json({ error: "not found" }, 404);
  ctx.waitUntil(env.TRIGGERS.send({ type: "trigger", id: triggerId }));
  return json({ data: { uid, created_at: at, fields } }, update ? 200 : 201);
}

async function handle(request, env, ctx) {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path === "/__control/seed") {
    return json(await seed(env, (await request.json()).receiverUrl));
  }
  if (request.method === "GET" && path === "/v1/attendees") {
    const size = Number(url.searchParams.get("page_size") ?? 50);
    const event = url.searchParams.get("event_uid");
    const rows = await withKey(request, env, [
      env.DB.prepare("SELECT * FROM c_events WHERE id = ?").bind(event),
      env.DB.prepare(
        "SELECT * FROM c_attendees WHERE event_id = ? ORDER BY created_at LIMIT ?",
      ).bind(event, size),
    ]);
    if (!rows) return json({ error: "unauthorized" }, 401);
    const [events, page] = rows;
    return json({
      data: page.results.map((a) => ({ ...a, fields: JSON.parse(a.fields) })),
      meta: { total: events.results[0]?.guest_count ?? 0, page: 1, page_size: size },
    });
  }
  if (request.method === "GET" && path.startsWith("/v1/events/")) {
    const rows = await withKey(request, env, [
      env.DB.prepare("SELECT * FROM c_events WHERE id = ?").bind(path.split("/")[3]),
    ]);
    if (!rows) return json({ error: "unauthorized" }, 401);
    return json({ data: rows[0].results[0] ?? null });
  }
  if (request.method === "GET" && path.endsWith("/deliveries")) {
    const rows = await withKey(request, env, [
      env.DB.prepare(
        "SELECT d.* FROM c_deliveries d JOIN c_webhooks w ON w.id = d.webhook WHERE w.integration = ? ORDER BY d.created_at DESC LIMIT 20",
      ).bind(path.split("/")[3]),
    ]);
    if (!rows) return json({ error: "unauthorized" }, 401);
    return json({ data: rows[0].results });
  }
  if (request.method === "POST" && path === "/v1/attendees") {
    const body = await request.json();
    return write(request, env, ctx, {
      uid: id("gst"),
      eventId: body.event_uid,
      fields: body.fields,
      trigger: "guest.create",
    });
  }
  if (request.method === "PATCH" && path.startsWith("/v1/attendees/")) {
    const body = await request.json();
    const uid = path.split("/")[3];
    const event = await env.DB.prepare("SELECT event_id FROM c_attendees WHERE id = ?")
      .bind(uid)
      .first("event_id");
    return write(request, env, ctx, {
      uid,
      eventId: event,
      fields: body.fields,
      trigger: "guest.update",
      update: true,
    });
  }
  if (request.method === "PUT" && path.endsWith("/integration")) {
    const body = await request.json();
    if (!(await withKey(request, env, []))) return json({ error: "unauthorized" }, 401);
    const profile = path.split("/")[3];
    const lock = env.PROFILE_LOCK.get(env.PROFILE_LOCK.idFromName(profile));
    return json({ data: await lock.activate(profile, body.integration_id) });
  }
  return json({ error: "not found" }, 404);
}

/** The webhooks a trigger fires: the active integration's of that event's profile, on its trigger. */
async function fanOut(env, triggerId) {
  const trigger = await env.DB.prepare(
    `SELECT t.*, w.id AS webhook FROM c_triggers t
       JOIN c_events e ON e.id = t.event_id
       JOIN c_profiles p ON p.id = e.profile
       JOIN c_webhooks w ON w.integration = p.active AND w.trigger = t.trigger AND w.enabled = 1
     WHERE t.id = ? AND t.status = 'pending'`,
  )
    .bind(triggerId)
    .all();
  const at = now();
  const rows = trigger.results;
  await env.DELIVERIES_DB.batch([
    ...rows.map((t) =>
      env.DELIVERIES_DB.prepare(
        "INSERT INTO c_deliveries VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?)",
      ).bind(id("dlv"), t.webhook, t.entity, t.trigger, t.snapshot, at, at),
    ),
    env.DELIVERIES_DB.prepare("UPDATE c_triggers SET status = 'processed' WHERE id = ?").bind(
      triggerId,
    ),
  ]);
  return rows.map((t) => t.webhook);
}

const wake = (env, webhook) => env.ENDPOINT.get(env.ENDPOINT.idFromName(webhook)).wake(webhook);

export default {
  fetch: handle,

  async queue(batch, env) {
    const webhooks = new Set();
    for (const message of batch.messages) {
      const body = message.body;
      if (body.type === "trigger") for (const w of await fanOut(env, body.id)) webhooks.add(w);
      else if (body.type === "deliver") webhooks.add(body.webhook);
      message.ack();
    }
    await Promise.all([...webhooks].map((w) => wake(env, w)));
  },

  async scheduled(_controller, env) {
    const { results } = await env.DELIVERIES_DB.prepare(
      "SELECT DISTINCT webhook FROM c_deliveries WHERE status = 'pending' AND next_at <= ? AND (locked_until IS NULL OR locked_until <= ?)",
    )
      .bind(new Date(Date.now() - 60_000).toISOString(), now())
      .all();
    await Promise.all(results.map(({ webhook }) => wake(env, webhook)));
  },
};

/** One per webhook: claims its due deliveries, sends them, records each attempt. */
export class Endpoint extends DurableObject {
  inFlight = 0;
  running = false;

  async wake(webhook) {
    await this.ctx.storage.put("webhook", webhook);
    this.ctx.waitUntil(this.pump(webhook));
  }

  async pump(webhook) {
    if (this.running) return;
    this.running = true;
    try {
      const slots = CONCURRENCY - this.inFlight;
      if (slots <= 0) return;
      const at = now();
      const [hook, claimed] = await Promise.all([
        this.env.DB.prepare("SELECT * FROM c_webhooks WHERE id = ?").bind(webhook).first(),
        this.env.DELIVERIES_DB.prepare(
          `UPDATE c_deliveries SET locked_until = ? WHERE id IN (
             SELECT id FROM c_deliveries WHERE webhook = ? AND status = 'pending' AND next_at <= ?
               AND (locked_until IS NULL OR locked_until <= ?) ORDER BY next_at LIMIT ?)
           RETURNING *`,
        )
          .bind(new Date(Date.now() + 60_000).toISOString(), webhook, at, at, slots)
          .all(),
      ]);
      for (const delivery of claimed.results) this.send(hook, delivery);
    } finally {
      this.running = false;
    }
  }

  send(hook, delivery) {
    this.inFlight++;
    const attempt = delivery.attempts + 1;
    const started = Date.now();
    const work = async () => {
      let status = null;
      let error = null;
      let excerpt = null;
      if (!hook?.enabled) error = "disabled";
      else {
        const signal = AbortSignal.timeout(TIMEOUT_MS);
        try {
          const res = await fetch(hook.url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "webhook-id": delivery.id,
              "x-weft-attempt": String(attempt),
              "x-weft-entity-uid": delivery.entity,
              "x-weft-trigger": delivery.trigger,
            },
            body: delivery.payload,
            redirect: "manual",
            signal,
          });
          status = res.status;
          excerpt = (await res.text()).slice(0, 2048);
        } catch (e) {
          error = signal.aborted ? "timeout" : String(e).slice(0, 200);
        }
      }
      const ok = status !== null && status >= 200 && status < 300;
      const delay = RETRY_DELAYS_SECONDS[attempt - 1];
      const retry = !ok && status !== 410 && hook?.enabled && delay !== undefined;
      const statements = [
        this.env.DELIVERIES_DB.prepare(
          "INSERT INTO c_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ).bind(
          id("att"),
          delivery.id,
          attempt,
          status,
          error,
          excerpt,
          new Date(started).toISOString(),
          Date.now() - started,
        ),
        this.env.DELIVERIES_DB.prepare(
          "UPDATE c_deliveries SET status = ?, attempts = ?, next_at = ?, locked_until = NULL WHERE id = ?",
        ).bind(
          ok ? "delivered" : retry ? "pending" : "failed",
          attempt,
          new Date(Date.now() + (delay ?? 0) * 1000).toISOString(),
          delivery.id,
        ),
      ];
      if (status === 410) {
        statements.push(
          this.env.DELIVERIES_DB.prepare("UPDATE c_webhooks SET enabled = 0 WHERE id = ?").bind(
            hook.id,
          ),
        );
      }
      await this.env.DELIVERIES_DB.batch(statements);
      if (retry) {
        await this.env.TRIGGERS.send(
          { type: "deliver", id: delivery.id, webhook: delivery.webhook },
          { delaySeconds: delay },
        );
      }
    };
    work()
      .catch(() => {})
      .finally(() => {
        this.inFlight--;
        void this.pump(delivery.webhook);
      });
  }
}

/** One per profile: activations one at a time, a read and a write inside the lock. */
export class ProfileLock extends DurableObject {
  activate(profile, integration) {
    return this.ctx.blockConcurrencyWhile(async () => {
      const before = await this.env.DB.prepare("SELECT active FROM c_profiles WHERE id = ?")
        .bind(profile)
        .first("active");
      await this.env.DB.batch([
        this.env.DB.prepare("UPDATE c_profiles SET active = ? WHERE id = ?").bind(
          integration,
          profile,
        ),
      ]);
      return { integration_id: integration, replaced_integration_id: before };
    });
  }
}
