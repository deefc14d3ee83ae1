import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const E2E_BOOTSTRAP_TOKEN = "e2e-bootstrap-token";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export type RunningWeft = { baseUrl: string; output: () => string; stop: () => Promise<void> };

/**
 * Starts Weft the way a user does (`npm start`, i.e. scripts/start.mjs), on a free port with its own
 * --persist-to directory and bootstrap token, and waits until /health answers.
 */
export async function startWeft(vars: Record<string, string> = {}): Promise<RunningWeft> {
  const port = await freePort();
  // wrangler dev's debugger port defaults to 9229: servers of parallel test files (or another
  // checkout's) would fight over it.
  const inspectorPort = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), "weft-e2e-"));
  const allVars = {
    BOOTSTRAP_TOKEN: E2E_BOOTSTRAP_TOKEN,
    SECRETS_KEY: "e2e-secrets-key-0123456789abcdef0123456789abcdef",
    ALLOW_HTTP_TARGETS: "true",
    ALLOW_PRIVATE_TARGETS: "true",
    ...vars,
  };
  const varArgs = Object.entries(allVars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  let output = "";
  const child: ChildProcess = spawn(
    "node",
    [
      "scripts/start.mjs",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      stateDir,
      ...varArgs,
    ],
    { env: { ...process.env, WRANGLER_LOG: "info" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`weft exited early:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`weft did not start within 45 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    baseUrl,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
