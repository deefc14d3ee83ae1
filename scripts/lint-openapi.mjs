// `npm run lint:openapi [file]`: Spectral (spectral:oas, .spectral.yaml) and Redocly
// (recommended, redocly.yaml) on an OpenAPI document, clients/typescript/openapi.json by default.
// Exits 1 on any error or warning. test/e2e/openapi-tools.test.ts runs it on the served document.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = join(fileURLToPath(import.meta.url), "../..");
const run = promisify(execFile);
// Neither tool may reach the network: no telemetry, no update check.
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

/** Both tools' problems, counted as errors and warnings (hints and infos are not counted). */
export async function lintOpenApi(file) {
  const [spectral, redocly] = await Promise.all([lintWithSpectral(file), lintWithRedocly(file)]);
  return { spectral, redocly };
}

async function lintWithSpectral(file) {
  const bin = join(ROOT, "node_modules/.bin/spectral");
  const args = ["lint", file, "-r", join(ROOT, ".spectral.yaml"), "-f", "json", "--quiet"];
  // Spectral exits 1 when it finds an error; its report is on stdout either way.
  const { stdout } = await run(bin, args, { env, cwd: ROOT }).catch((failure) => failure);
  const results = JSON.parse(stdout || "[]");
  const problems = results.map((r) => `${r.code} at ${r.path.join(".")}: ${r.message}`);
  return {
    errors: results.filter((r) => r.severity === 0).length,
    warnings: results.filter((r) => r.severity === 1).length,
    problems,
  };
}

async function lintWithRedocly(file) {
  const bin = join(ROOT, "node_modules/.bin/redocly");
  const args = ["lint", file, "--config", join(ROOT, "redocly.yaml"), "--format", "json"];
  const { stdout } = await run(bin, args, { env, cwd: ROOT }).catch((failure) => failure);
  const report = JSON.parse(stdout);
  const problems = report.problems.map(
    (p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
  );
  return { errors: report.totals.errors, warnings: report.totals.warnings, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? join(ROOT, "clients/typescript/openapi.json");
  const results = await lintOpenApi(file);
  let failed = false;
  for (const [tool, { errors, warnings, problems }] of Object.entries(results)) {
    console.log(`${tool}: ${errors} errors, ${warnings} warnings`);
    for (const problem of problems) console.log(`  ${problem}`);
    failed ||= errors + warnings > 0;
  }
  process.exit(failed ? 1 : 0);
}
