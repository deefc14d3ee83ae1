// The baseline: the least the runtime allows for the same work as Weft's routes, measured in the
// same run on the same workerd, so each Weft figure reads as a ratio to what this machine can do.
// Mounted under /__baseline/ next to the Weft worker (same D1 database, its own queue).
//   GET  /__baseline/text                     a constant response (the runtime's floor)
//   GET  /__baseline/attendees?event_id=...   one raw D1 query: the same 50 rows as page 1
//   GET  /__baseline/events/{id}              one raw D1 query of the event row
//        (either read with `authorization: Bearer <key>` first hashes the key and looks it up in
//        one more raw query, 401 if unknown: the least a read that checks its key costs)
//   POST /__baseline/attendees                one D1 batch (attendee + outbox row), one queue send;
//                                             the consumer below does one plain fetch per message
//   POST /__baseline/deliver                  one plain fetch to the receiver
// Queue `bench-baseline`: each message { id, entity, fanout } becomes `fanout` plain fetches to the
// receiver with `webhook-id: <id>.<n>`, all concurrent, like the delivery consumer does.

const PAGE = 50;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname.slice("/__baseline".length);

    if (path === "/text") return new Response("ok");

    if (request.method === "GET" && !(await keyIsKnown(request, env))) {
      return new Response("unknown key", { status: 401 });
    }

    if (path === "/attendees" && request.method === "GET") {
      const { results } = await env.DB.prepare(
        "SELECT * FROM attendees WHERE event_id = ? ORDER BY created_at LIMIT ?",
      )
        .bind(url.searchParams.get("event_id"), PAGE)
        .all();
      return Response.json({ data: results });
    }

    if (path.startsWith("/events/")) {
      const row = await env.DB.prepare("SELECT * FROM events WHERE id = ?")
        .bind(path.slice("/events/".length))
        .first();
      return row ? Response.json({ data: row }) : new Response("not found", { status: 404 });
    }

    if (path === "/attendees" && request.method === "POST") {
      const body = await request.json();
      const id = `gst_base${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const now = new Date().toISOString();
      const fields = JSON.stringify(body.fields ?? {});
      await env.DB.batch([
        env.DB.prepare(
          `INSERT INTO attendees (id, account_id, event_id, profile_id, language, registration_status,
             payment_status, fields, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'en', 'Complete', 'Unpaid', ?, ?, ?)`,
        ).bind(id, body.account_id, body.event_id, body.profile_id, fields, now, now),
        env.DB.prepare(
          `INSERT INTO triggers (id, account_id, trigger, profile_id, event_id, entity_uid, snapshot,
             status, created_at) VALUES (?, ?, 'guest.create', ?, ?, ?, ?, 'processed', ?)`,
        ).bind(`trg_${id}`, body.account_id, body.profile_id, body.event_id, id, fields, now),
      ]);
      await env.BASELINE_QUEUE.send({ id: `b_${id}`, entity: id, fanout: 1 });
      return Response.json({ data: { uid: id, created_at: now } }, { status: 201 });
    }

    if (path === "/deliver") {
      const id = url.searchParams.get("id") ?? crypto.randomUUID();
      const res = await send(env, { id, entity: id });
      return new Response(String(res), { status: 200 });
    }

    return new Response("not found", { status: 404 });
  },

  async queue(batch, env) {
    await Promise.all(
      batch.messages.map(async (message) => {
        const { id, entity, fanout = 1 } = message.body;
        await Promise.all(
          Array.from({ length: fanout }, (_, n) => send(env, { id: `${id}.${n}`, entity })),
        );
        message.ack();
      }),
    );
  },
};

/** True without an authorization header; with one, whether the key's SHA-256 is stored. */
async function keyIsKnown(request, env) {
  const secret = request.headers.get("authorization")?.replace(/^Bearer /, "");
  if (!secret) return true;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const row = await env.DB.prepare("SELECT id FROM api_keys WHERE hash = ?").bind(hash).first();
  return row !== null;
}

async function send(env, { id, entity }) {
  const res = await fetch(env.RECEIVER_URL, {
    method: "POST",
    headers: { "content-type": "application/json", "webhook-id": id, "x-weft-entity-uid": entity },
    body: JSON.stringify({ uid: entity }),
  });
  await res.arrayBuffer();
  return res.status;
}
