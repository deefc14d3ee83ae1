// Runs vitest, then prints its summary as the last line of output (after workerd's own
// shutdown messages), and exits with vitest's status.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";

const SUMMARY_FILE = "node_modules/.cache/weft-test-summary.txt";
mkdirSync("node_modules/.cache", { recursive: true });
rmSync(SUMMARY_FILE, { force: true });

const run = spawnSync("npx", ["vitest", "run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    ...process.env,
    WEFT_TEST_SUMMARY: SUMMARY_FILE, // test/summary-reporter.ts writes it
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  },
});

let summary = "0 passed, 1 failed, 0 skipped";
try {
  summary = readFileSync(SUMMARY_FILE, "utf8").trim();
} catch {
  // vitest died before its reporters ran: report that as a failure.
}
console.log(summary);
process.exit(run.status ?? 1);
