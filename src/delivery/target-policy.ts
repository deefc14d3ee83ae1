/**
 * Which webhook URLs Weft may call (API.md §6 "Targets"). Pure: checked when a webhook is
 * created or updated, and again by the delivery consumer right before each send.
 *
 * Only the URL is judged: a public name that resolves to a private address (DNS rebinding)
 * cannot be seen here; the Workers runtime's outbound fetch is the second line of defence.
 */

export type TargetPolicy = { allowHttp: boolean; allowPrivate: boolean };
export type TargetCheck = { ok: true } | { ok: false; reason: string };

/** The policy from the Worker's vars: both relaxations only when the var is exactly "true". */
export function targetPolicyFrom(env: {
  ALLOW_HTTP_TARGETS?: string;
  ALLOW_PRIVATE_TARGETS?: string;
}): TargetPolicy {
  return {
    allowHttp: env.ALLOW_HTTP_TARGETS === "true",
    allowPrivate: env.ALLOW_PRIVATE_TARGETS === "true",
  };
}

export function checkTargetUrl(url: string, policy: TargetPolicy): TargetCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "Not a valid absolute URL." };
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && policy.allowHttp)) {
    return {
      ok: false,
      reason: policy.allowHttp
        ? "Only http and https URLs are allowed."
        : "Only https URLs are allowed.",
    };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return {
      ok: false,
      reason: "Credentials in the URL (user:pass@) are not allowed; use headers.",
    };
  }
  if (policy.allowPrivate) return { ok: true };
  // WHATWG URL has already normalised the host: lower case, IPv4 in dotted decimal
  // (0x7f.1, 2130706433, 0177.0.0.1 and 127.1 all become 127.0.0.1), IPv6 compressed in [].
  const host = parsed.hostname.replace(/\.+$/, "");
  if (host === "" || host === "localhost" || host.endsWith(".localhost")) {
    return { ok: false, reason: "Local hosts are not allowed." };
  }
  if (host.startsWith("[")) {
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups) return { ok: false, reason: "Not a valid IPv6 address." };
    return isBlockedIpv6(groups) ? privateAddress() : { ok: true };
  }
  const v4 = parseIpv4(host);
  if (v4 !== null && isBlockedIpv4(v4)) return privateAddress();
  return { ok: true };
}

const privateAddress = (): TargetCheck => ({
  ok: false,
  reason: "The host is a private, loopback, link-local or reserved address.",
});

/** Dotted-decimal IPv4 (the form WHATWG URL serialises every IPv4 host to) as a 32-bit number. */
export function parseIpv4(host: string): number | null {
  const match = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

const V4_BLOCKED: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255 broadcast
];

const V4_RANGES = V4_BLOCKED.map(([base, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { network: ((parseIpv4(base) ?? 0) & mask) >>> 0, mask };
});

export function isBlockedIpv4(address: number): boolean {
  return V4_RANGES.some(({ network, mask }) => (address & mask) >>> 0 === network);
}

/** An IPv6 address (without brackets, optionally with a dotted IPv4 tail) as eight 16-bit groups. */
export function parseIpv6(text: string): number[] | null {
  let input = text.toLowerCase();
  const tail = input.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (tail) {
    const v4 = parseIpv4(tail[2]);
    if (v4 === null) return null;
    input = `${tail[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = input.split("::");
  if (halves.length > 2) return null;
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

function embeddedV4(high: number, low: number): number {
  return ((high << 16) | low) >>> 0;
}

export function isBlockedIpv6(g: number[]): boolean {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  // ::/128 unspecified, ::1 loopback, and the deprecated IPv4-compatible ::a.b.c.d
  if (zeroUpTo(6)) return true;
  // ::ffff:a.b.c.d IPv4-mapped: judged as the IPv4 address it carries
  if (zeroUpTo(5) && g[5] === 0xffff) return isBlockedIpv4(embeddedV4(g[6], g[7]));
  // ::ffff:0:a.b.c.d IPv4-translated (RFC 2765)
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return true;
  // 64:ff9b::/96 well-known NAT64: judged as the IPv4 address it carries
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return isBlockedIpv4(embeddedV4(g[6], g[7]));
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return true; // 64:ff9b:1::/48 local NAT64
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return true; // 100::/64 discard
  if (g[0] === 0x2001 && g[1] < 0x200) return true; // 2001::/23 IETF (Teredo, ORCHID...)
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // 2001:db8::/32 documentation
  if (g[0] === 0x2002) return isBlockedIpv4(embeddedV4(g[1], g[2])); // 6to4 carries an IPv4
  if ((g[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g[0] & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  return false;
}
