import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WebhookRow } from "../../src/db/queries/webhooks";
import { buildRequest, WebhookOpener } from "../../src/delivery/request";
import { sign } from "../../src/delivery/signing";
import { encryptSecret } from "../../src/lib/secret-box";
import { newSigningSecret } from "../../src/services/webhooks";

const KEY = env.SECRETS_KEY;
const NOW = Date.parse("2026-11-29T10:00:00Z");

async function row(secret: string, previous?: { secret: string; expiresAt: string }) {
  return {
    id: "wh_opener",
    url: "https://receiver.example/hooks",
    urlEncrypted: null,
    method: "POST",
    bodyEncoding: "json",
    secretEncrypted: await encryptSecret(KEY, secret),
    previousSecretEncrypted: previous ? await encryptSecret(KEY, previous.secret) : null,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
    headersEncrypted: await encryptSecret(KEY, JSON.stringify({ authorization: "Bearer crm" })),
  } as WebhookRow;
}

/** Which of `secrets` signed the request built from what `open` gave. */
async function verifiedBy(
  opener: WebhookOpener,
  webhook: WebhookRow,
  now: number,
  secrets: string[],
) {
  const open = await opener.open(webhook, KEY, now);
  const timestamp = Math.floor(now / 1000);
  const request = await buildRequest(
    open,
    {
      deliveryId: "dlv_opener",
      trigger: "guest.create",
      eventUid: "evt_1",
      entityUid: "gst_1",
      cause: null,
      payload: '{"uid":"gst_1"}',
      url: null,
      attempt: 1,
    },
    timestamp,
  );
  expect(request.headers.authorization).toBe("Bearer crm");
  const signatures = (request.headers["webhook-signature"] ?? "").split(" ");
  // What signing with the secret's text gives (signing.test.ts checks it with standardwebhooks).
  const expected = await Promise.all(
    secrets.map((secret) => sign(secret, "dlv_opener", timestamp, request.body ?? "")),
  );
  return {
    signatures: signatures.length,
    accepted: secrets.filter((_, i) => signatures.includes(expected[i] as string)),
  };
}

describe("an endpoint's opened webhook (WebhookOpener)", () => {
  it("opens a webhook once while its ciphertexts are unchanged, and signs as the secret does", async () => {
    const secret = newSigningSecret();
    const webhook = await row(secret);
    const opener = new WebhookOpener();
    const first = opener.open(webhook, KEY, NOW);
    expect(opener.open({ ...webhook }, KEY, NOW + 60_000)).toBe(first);
    const open = await first;
    // Imported keys, not the secret's text, are what it keeps.
    expect(open.secrets.every((key) => typeof key !== "string")).toBe(true);
    expect(await verifiedBy(opener, webhook, NOW, [secret])).toEqual({
      signatures: 1,
      accepted: [secret],
    });
  });

  it("opens it again after a rotation: the new secret signs, with the previous one until it expires", async () => {
    const old = newSigningSecret();
    const opener = new WebhookOpener();
    const before = await row(old);
    await opener.open(before, KEY, NOW);
    const rotated = newSigningSecret();
    const expiresAt = new Date(NOW + 3_600_000).toISOString();
    const after = await row(rotated, { secret: old, expiresAt });
    expect(opener.open(after, KEY, NOW)).not.toBe(opener.open(before, KEY, NOW));
    expect(await verifiedBy(opener, after, NOW, [rotated, old])).toEqual({
      signatures: 2,
      accepted: [rotated, old],
    });
    // Past the grace period the previous secret signs no more, though the row still names it.
    expect(await verifiedBy(opener, after, NOW + 3_600_001, [rotated, old])).toEqual({
      signatures: 1,
      accepted: [rotated],
    });
  });

  it("tries again next time when the webhook cannot be opened", async () => {
    const webhook = { ...(await row(newSigningSecret())), secretEncrypted: "v1:AAAA" };
    const opener = new WebhookOpener();
    const failed = opener.open(webhook, KEY, NOW);
    await expect(failed).rejects.toThrow();
    expect(opener.open(webhook, KEY, NOW)).not.toBe(failed);
    await expect(opener.open(webhook, KEY, NOW)).rejects.toThrow();
  });
});
