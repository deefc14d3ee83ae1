import { describe, expect, it } from "vitest";
import { checkTargetUrl, parseIpv6, targetPolicyFrom } from "../../src/delivery/target-policy";

const strict = { allowHttp: false, allowPrivate: false };
const refused = (url: string, policy = strict) => {
  const verdict = checkTargetUrl(url, policy);
  if (verdict.ok) throw new Error(`expected ${url} to be refused`);
  return verdict.reason;
};

describe("checkTargetUrl", () => {
  it("accepts public https URLs", () => {
    for (const url of [
      "https://crm.example.com/hooks/weft",
      "https://93.184.216.34/x",
      "https://[2606:4700:4700::1111]/",
      "https://example.com:8443/a?b=c",
      "https://172.32.0.1/", // just outside 172.16/12
      "https://[64:ff9b::5db8:d822]/", // NAT64 of a public address
    ]) {
      expect(checkTargetUrl(url, strict), url).toEqual({ ok: true });
    }
  });

  it("refuses http unless allowed, and every other scheme", () => {
    expect(refused("http://example.com/")).toMatch(/https/);
    expect(checkTargetUrl("http://example.com/", { allowHttp: true, allowPrivate: false })).toEqual(
      { ok: true },
    );
    for (const url of ["ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)"]) {
      refused(url, { allowHttp: true, allowPrivate: true });
    }
    expect(refused("not a url")).toMatch(/valid/);
  });

  it("refuses credentials in the URL, even when private targets are allowed", () => {
    expect(
      refused("https://user:pass@example.com/", { allowHttp: true, allowPrivate: true }),
    ).toMatch(/Credentials/);
    refused("https://user@example.com/");
  });

  it("refuses localhost in every spelling", () => {
    for (const url of [
      "https://localhost/",
      "https://LOCALHOST:8787/",
      "https://localhost./",
      "https://api.localhost/",
      "https://a.b.localhost../",
    ]) {
      refused(url);
    }
  });

  it("refuses private, loopback, link-local, reserved, CGNAT and multicast IPv4", () => {
    for (const host of [
      "127.0.0.1",
      "127.255.255.254",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "100.127.255.255",
      "0.0.0.0",
      "224.0.0.1",
      "239.255.255.250",
      "240.0.0.1",
      "255.255.255.255",
      "192.0.2.1",
      "198.18.0.1",
    ]) {
      refused(`https://${host}/`);
    }
  });

  it("sees through the spellings WHATWG URL normalises to loopback", () => {
    for (const url of [
      "http://0x7f.1/",
      "http://2130706433/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://0x7f000001/",
      "http://127.0.0.1./",
      "http://0/",
    ]) {
      expect(new URL(url).hostname).toMatch(/^(127\.0\.0\.1|0\.0\.0\.0)$/);
      refused(url, { allowHttp: true, allowPrivate: false });
    }
  });

  it("refuses loopback, private, link-local, mapped and NAT64-of-private IPv6", () => {
    for (const host of [
      "::1",
      "::",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "febf::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "64:ff9b::7f00:1",
      "64:ff9b::192.168.0.1",
      "0:0:0:0:0:0:0:1",
      "2001:db8::1",
      "::127.0.0.1",
      "2002:7f00:1::",
    ]) {
      refused(`https://[${host}]/`);
    }
  });

  it("allows everything but schemes and credentials when private targets are allowed", () => {
    const local = { allowHttp: true, allowPrivate: true };
    expect(checkTargetUrl("http://127.0.0.1:9999/hook", local)).toEqual({ ok: true });
    expect(checkTargetUrl("http://localhost/", local)).toEqual({ ok: true });
  });

  it("reads the policy from the vars only when exactly 'true'", () => {
    expect(targetPolicyFrom({ ALLOW_HTTP_TARGETS: "true", ALLOW_PRIVATE_TARGETS: "TRUE" })).toEqual(
      {
        allowHttp: true,
        allowPrivate: false,
      },
    );
    expect(targetPolicyFrom({})).toEqual({ allowHttp: false, allowPrivate: false });
  });

  it("parses IPv6 text", () => {
    expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("1:2:3")).toBeNull();
  });
});
