// The soak's webhook receiver (issue 16), run as a child process (`fork`). Unlike bench/receiver.mjs
// it misbehaves, the way receivers do: of the requests to any path, 10 % are answered 500 and 5 %
// are held past Weft's 15 s timeout (then the socket is closed without an answer); the first
// request to the `gone` path at or after `goneAt` is answered 410. Every other request gets 200.
// The draw is a seeded generator, so two runs of one Weft misbehave the same way.
// It logs every request: [webhookId, attempt, outcome, at, entityUid, path, trigger], outcome
// being "200", "500", "410" or "timeout".
// IPC: { cmd: "configure", ...settings } | { cmd: "log", from } (rows from index `from`) | { cmd: "count" }.
import { createServer } from "node:http";

const settings = {
  fail500: 0.1,
  timeout: 0.05,
  /** Longer than Weft's 15 s (API.md §6: success is a 2xx within 15 s). */
  holdMs: 16_000,
  gonePath: "/soak/gone/",
  goneAt: Number.POSITIVE_INFINITY,
  seed: 16,
};
let goneAnswered = false;
const log = [];
let random = mulberry32(settings.seed);

/** A small seeded generator (mulberry32): [0, 1) like Math.random. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const server = createServer((req, res) => {
  const at = Date.now();
  const path = req.url ?? "";
  const header = (name) => {
    const value = req.headers[name];
    return typeof value === "string" ? value : null;
  };
  let outcome;
  if (path.startsWith(settings.gonePath) && !goneAnswered && at >= settings.goneAt) {
    goneAnswered = true;
    outcome = "410";
  } else {
    const draw = random();
    outcome =
      draw < settings.fail500
        ? "500"
        : draw < settings.fail500 + settings.timeout
          ? "timeout"
          : "200";
  }
  log.push([
    header("webhook-id"),
    Number(header("x-weft-attempt")),
    outcome,
    at,
    header("x-weft-entity-uid"),
    path,
    header("x-weft-trigger"),
  ]);
  req.resume();
  req.on("end", () => {
    if (outcome === "timeout") {
      setTimeout(() => res.destroy(), settings.holdMs);
      return;
    }
    res.writeHead(Number(outcome), { "content-type": "text/plain", "content-length": "2" });
    res.end("ok");
  });
});
server.keepAliveTimeout = 30_000;
server.requestTimeout = 0;

process.on("message", (message) => {
  if (message.cmd === "configure") {
    const { cmd, ...rest } = message;
    Object.assign(settings, rest);
    if (rest.seed !== undefined) random = mulberry32(settings.seed);
    process.send({ ok: true, settings });
  } else if (message.cmd === "log") {
    process.send({ rows: log.slice(message.from ?? 0), total: log.length });
  } else if (message.cmd === "count") {
    process.send({ total: log.length, goneAnswered });
  }
});

server.listen(0, "127.0.0.1", () => {
  process.send({ port: server.address().port });
});
process.on("disconnect", () => process.exit(0));
