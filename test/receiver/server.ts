import { createServer, type IncomingMessage, type Server } from "node:http";

/** What the receiver recorded of one request. */
export type ReceivedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  received_at: number;
};

/** How the receiver answers one request; `script` entries are used in order, the last repeats. */
export type ScriptedResponse = {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait before answering. */
  delay_ms?: number;
  /** Never answer (the connection stays open until the client gives up). */
  hang?: boolean;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Send the body one byte per this many milliseconds. */
  drip_ms?: number;
};

/**
 * A webhook receiver for tests, on 127.0.0.1:
 * - any method on `/hooks/<channel>/...` is recorded and answered from the channel's script;
 * - `PUT /_script/<channel>` sets the script (a JSON array of ScriptedResponse);
 * - `GET /_received/<channel>` lists what the channel received, oldest first.
 */
export function startReceiver(port = 0): Promise<{ url: string; server: Server }> {
  const received = new Map<string, ReceivedRequest[]>();
  const scripts = new Map<string, ScriptedResponse[]>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, area, channel = ""] = url.pathname.split("/");
    const body = await readBody(req);

    if (area === "_script" && req.method === "PUT") {
      scripts.set(channel, JSON.parse(body) as ScriptedResponse[]);
      res.writeHead(204).end();
      return;
    }
    if (area === "_received") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(received.get(channel) ?? []));
      return;
    }
    if (area !== "hooks") {
      res.writeHead(404).end();
      return;
    }

    const list = received.get(channel) ?? [];
    received.set(channel, list);
    list.push({
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      ),
      body,
      received_at: Date.now(),
    });

    const script = scripts.get(channel) ?? [];
    const step = script[Math.min(list.length - 1, script.length - 1)] ?? {};
    await answer(req, res, step);
  });

  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const boundPort = typeof address === "object" && address ? address.port : port;
      resolve({ url: `http://127.0.0.1:${boundPort}`, server });
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

async function answer(
  req: IncomingMessage,
  res: import("node:http").ServerResponse,
  step: ScriptedResponse,
): Promise<void> {
  if (step.hang) return;
  if (step.reset) {
    req.socket.destroy();
    return;
  }
  if (step.delay_ms) await new Promise((r) => setTimeout(r, step.delay_ms));
  res.writeHead(step.status ?? 200, { "content-type": "text/plain", ...step.headers });
  const text = step.body ?? "ok";
  if (!step.drip_ms) {
    res.end(text);
    return;
  }
  for (const char of text) {
    if (res.destroyed) return;
    res.write(char);
    await new Promise((r) => setTimeout(r, step.drip_ms));
  }
  res.end();
}
