import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { sign, signatureHeader } from "../../src/delivery/signing";
import { newSigningSecret } from "../../src/services/webhooks";

describe("webhook signing (checked with the standardwebhooks package)", () => {
  it("signs id.timestamp.body so a Standard Webhooks receiver verifies it", async () => {
    const secret = newSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ uid: "gst_1", name: "Jäne \u{1F600}" });
    const signature = await signatureHeader([secret], "dlv_abc", timestamp, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(body, {
      "webhook-id": "dlv_abc",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    });
    expect(verified).toEqual(JSON.parse(body));
  });

  it("signs an empty body (GET and DELETE) the same way", async () => {
    const secret = newSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await sign(secret, "dlv_get", timestamp, "");
    // standardwebhooks parses the body as JSON after verifying; its signature check is what matters.
    const expected = new Webhook(secret).sign("dlv_get", new Date(timestamp * 1000), "");
    expect(signature).toBe(expected);
  });

  it("carries one signature per valid secret; each verifies on its own", async () => {
    const current = newSigningSecret();
    const previous = newSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"a":1}';
    const header = await signatureHeader([current, previous], "dlv_two", timestamp, body);
    expect(header.split(" ")).toHaveLength(2);
    for (const secret of [current, previous]) {
      const headers = {
        "webhook-id": "dlv_two",
        "webhook-timestamp": String(timestamp),
        "webhook-signature": header,
      };
      expect(new Webhook(secret).verify(body, headers)).toEqual({ a: 1 });
    }
    expect(() =>
      new Webhook(newSigningSecret()).verify(body, {
        "webhook-id": "dlv_two",
        "webhook-timestamp": String(timestamp),
        "webhook-signature": header,
      }),
    ).toThrow();
  });

  it("does not verify a tampered body or id", async () => {
    const secret = newSigningSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await sign(secret, "dlv_x", timestamp, '{"a":1}');
    const wh = new Webhook(secret);
    const headers = (id: string) => ({
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    });
    expect(() => wh.verify('{"a":2}', headers("dlv_x"))).toThrow();
    expect(() => wh.verify('{"a":1}', headers("dlv_y"))).toThrow();
  });
});
