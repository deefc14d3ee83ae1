// A counting webhook receiver for the benchmarks, run as a child process (`fork`) so its work
// does not share an event loop with autocannon. It answers every request 200 at once (a path with
// `/slow/` after 8 s, one with `/fail/` 500 at once) and records, per `webhook-id`, how many times
// it came and when it first came, plus `x-weft-entity-uid`.
// The parent talks to it over IPC: { cmd: "reset" | "count" | "dump" } -> one reply each.
import { createServer } from "node:http";

/** How long a `/slow/` receiver takes to answer. */
const SLOW_MS = 8_000;

/** webhook-id -> { count, at, entity, path } */
let received = new Map();
let requests = 0;
let missingId = 0;

const server = createServer((req, res) => {
  requests++;
  const at = Date.now();
  const id = req.headers["webhook-id"];
  if (typeof id !== "string") missingId++;
  else {
    const seen = received.get(id);
    if (seen) seen.count++;
    else {
      const entity = req.headers["x-weft-entity-uid"] ?? null;
      received.set(id, { count: 1, at, entity, path: req.url ?? "" });
    }
  }
  const path = req.url ?? "";
  const status = path.includes("/fail/") ? 500 : 200;
  const delay = path.includes("/slow/") ? SLOW_MS : 0;
  req.resume();
  req.on("end", () => {
    setTimeout(() => {
      res.writeHead(status, { "content-type": "text/plain", "content-length": "2" });
      res.end("ok");
    }, delay);
  });
});
server.keepAliveTimeout = 30_000;

function counts() {
  let duplicated = 0;
  let lastAt = 0;
  for (const { count, at } of received.values()) {
    duplicated += count - 1;
    if (at > lastAt) lastAt = at;
  }
  return { unique: received.size, requests, duplicated, missingId, lastAt };
}

process.on("message", (message) => {
  if (message.cmd === "reset") {
    received = new Map();
    requests = 0;
    missingId = 0;
    process.send({ ok: true });
  } else if (message.cmd === "count") {
    process.send(counts());
  } else if (message.cmd === "dump") {
    // [webhookId, count, firstAt, entityUid, path] rows: compact enough for 60,000 entries over IPC.
    const rows = [...received].map(([id, r]) => [id, r.count, r.at, r.entity, r.path]);
    process.send({ ...counts(), rows });
  }
});

server.listen(0, "127.0.0.1", () => {
  process.send({ port: server.address().port });
});
process.on("disconnect", () => process.exit(0));
