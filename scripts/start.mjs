// `npm start`: local D1, Queues and Durable Objects under .wrangler/state, no Cloudflare account.
// Creates .dev.vars from the example, applies the migrations, serves on 127.0.0.1:8787 and,
// since wrangler dev fires no crons by itself, asks for the scheduled handler every minute.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";

const port = process.env.PORT ?? "8787";
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

const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  stdio: "inherit",
  env: { ...env, CI: "true" }, // CI=true: apply without asking for confirmation
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const server = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", port], {
  stdio: "inherit",
  env,
});

const token = readFileSync(".dev.vars", "utf8").match(/^BOOTSTRAP_TOKEN="?([^"\n]*)"?/m)?.[1];
setTimeout(() => {
  console.log(`
Weft is running on ${base}
  API docs:      ${base}/docs   (OpenAPI document: ${base}/openapi.json)
  First account: curl -X POST ${base}/v1/accounts \\
                   -H 'authorization: Bearer ${token ?? "<BOOTSTRAP_TOKEN from .dev.vars>"}' \\
                   -H 'content-type: application/json' -d '{"name":"My events"}'
`);
}, 3000);

// The outbox sweeper and retention run on the cron in production; here we ask for them.
const cron = setInterval(() => {
  fetch(`${base}/cdn-cgi/handler/scheduled`).catch(() => {});
}, 60_000);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    clearInterval(cron);
    server.kill("SIGTERM");
  });
}
server.on("exit", (code) => {
  clearInterval(cron);
  process.exit(code ?? 0);
});
