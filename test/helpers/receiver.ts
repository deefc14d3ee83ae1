import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import type { ReceivedRequest, ScriptedResponse } from "../receiver/server";

/**
 * The webhook receiver on 127.0.0.1 (test/receiver/server.ts, started once per run): each test
 * takes fresh channels, scripts how a channel answers, and reads what it received.
 */

export function newChannel(): string {
  return crypto.randomUUID();
}

export function channelUrl(channel: string): string {
  return `${env.RECEIVER_URL}/hooks/${channel}`;
}

/** How the channel answers its next requests; the last step repeats. */
export async function script(channel: string, steps: ScriptedResponse[]): Promise<void> {
  const response = await fetch(`${env.RECEIVER_URL}/_script/${channel}`, {
    method: "PUT",
    body: JSON.stringify(steps),
  });
  if (response.status !== 204) throw new Error(`script failed: ${response.status}`);
}

/** What the channel received, oldest first. */
export async function received(channel: string): Promise<ReceivedRequest[]> {
  const response = await fetch(`${env.RECEIVER_URL}/_received/${channel}`);
  return (await response.json()) as ReceivedRequest[];
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the channel has received `count` requests, and returns them. */
export function receivedAtLeast(channel: string, count = 1, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const requests = await received(channel);
      return requests.length >= count ? requests : undefined;
    },
    timeoutMs,
    `${count} request(s) on ${channel}`,
  );
}

/** Asserts the Standard Webhooks signature of a received request, with the reference package. */
export function expectSigned(request: ReceivedRequest, secret: string) {
  const webhook = new Webhook(secret);
  if (request.headers["content-type"] === "application/x-www-form-urlencoded") {
    // verify() parses the body as JSON: a form body is checked by signing its bytes again.
    const { "webhook-id": id, "webhook-timestamp": timestamp } = request.headers;
    const signature = webhook.sign(id, new Date(Number(timestamp) * 1000), request.body);
    expect(request.headers["webhook-signature"].split(" ")).toContain(signature);
    return;
  }
  const verified = webhook.verify(request.body, request.headers);
  if (request.body === "") expect(verified).toBeUndefined();
  else expect(verified).toEqual(JSON.parse(request.body));
}
