// `npm start`: local D1, Queues and Durable Objects under .wrangler/state, no Cloudflare account.
// Creates .dev.vars from the example, applies the migrations, serves on 127.0.0.1:8787 and,
// since wrangler dev fires no crons by itself, asks for the scheduled handler every minute.
// Extra arguments go to `wrangler dev` (`npm start -- --port 9000 --persist-to /tmp/weft
// --var BOOTSTRAP_TOKEN:abc`); --port and --persist-to are honoured by the migrations too.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const port = option("--port") ?? process.env.PORT ?? "8787";
const persistTo = option("--persist-to");
const base = `http://127.0.0.1:${port}`;
const wrangler = "node_modules/.bin/wrangler";
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("Created .dev.vars from .dev.vars.example.");
}

const migrate = spawnSync(
  wrangler,
  ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])],
  { stdio: "inherit", env: { ...env, CI: "true" } }, // CI=true: apply without asking
);
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const devArgs = [
  "dev",
  "--ip",
  "127.0.0.1",
  ...(option("--port") ? [] : ["--port", port]),
  ...args,
];
const server = spawn(wrangler, devArgs, { stdio: "inherit", env });

const overridden = args.find((arg) => arg.startsWith("BOOTSTRAP_TOKEN:"))?.slice(16);
const token =
  overridden ?? readFileSync(".dev.vars", "utf8").match(/^BOOTSTRAP_TOKEN="?([^"\n]*)"?/m)?.[1];
const hello = setTimeout(() => {
  console.log(`
Weft is running on ${base}
  API docs:      ${base}/docs   (OpenAPI document: ${base}/openapi.json)
  Console:       ${base}/console   (sign in with an admin key)
  First account: curl -X POST ${base}/v1/accounts \\
                   -H 'authorization: Bearer ${token}' \\
                   -H 'content-type: application/json' -d '{"name":"My events"}'
`);
}, 3000);

// The outbox sweeper and retention run on the cron in production; here we ask for them.
const cron = setInterval(() => {
  fetch(`${base}/cdn-cgi/handler/scheduled`).catch(() => {});
}, 60_000);

function stop() {
  clearTimeout(hello);
  clearInterval(cron);
  server.kill("SIGTERM");
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (code) => {
  clearTimeout(hello);
  clearInterval(cron);
  process.exit(code ?? 0);
});
