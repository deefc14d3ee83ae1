import type { TestProject } from "vitest/node";
import { startReceiver } from "./server";

/** Starts the webhook receiver once for the run and hands its URL to the tests. */
export default async function setup(project: TestProject) {
  const { url, server } = await startReceiver();
  project.provide("receiverUrl", url);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
