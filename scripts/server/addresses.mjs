// Which addresses the proxy may connect to: public ones only, unless the operator allowed more.
import dns from 'node:dns';
import net from 'node:net';

const PRIVATE = new net.BlockList();
for (const [a, p] of /** @type {[string, number][]} */ ([
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
])) PRIVATE.addSubnet(a, p, 'ipv4'); // prettier-ignore
for (const [a, p] of /** @type {[string, number][]} */ ([
  ['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
])) PRIVATE.addSubnet(a, p, 'ipv6'); // prettier-ignore

/** The 16 bytes of an IPv6 address (zone id dropped), or null when it is not one. */
function ipv6Bytes(/** @type {string} */ ip) {
  const addr = ip.replace(/%.*$/, '');
  if (net.isIP(addr) !== 6) return null;
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, null];
  /** @param {string} part @returns {number[]} 16-bit groups; a dotted quad counts as two */
  const groups = (part) =>
    part
      ? part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        })
      : [];
  const left = groups(head);
  const right = tail === null ? [] : groups(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** @param {number[]} b @param {number} at */
const quad = (b, at) => b.slice(at, at + 4).join('.');

/**
 * The IPv4 addresses an IPv6 address carries, for the forms that reach an IPv4 host:
 * IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48,
 * 6to4 2002::/16, Teredo 2001::/32 (server and client), ISATAP ...:0:5efe:a.b.c.d.
 * @param {number[]} b @returns {string[]}
 */
function embeddedIpv4(b) {
  const zero = (/** @type {number} */ from, /** @type {number} */ to) =>
    b.slice(from, to).every((x) => x === 0);
  const out = [];
  if (zero(0, 10) && ((b[10] === 0xff && b[11] === 0xff) || (b[10] === 0 && b[11] === 0))) {
    out.push(quad(b, 12));
  }
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) out.push(quad(b, 12));
  if (b[0] === 0x20 && b[1] === 0x02) out.push(quad(b, 2));
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) {
    out.push(
      quad(b, 4),
      b
        .slice(12)
        .map((x) => x ^ 0xff)
        .join('.'),
    );
  }
  if ((b[8] & ~0x02) === 0 && b[9] === 0 && b[10] === 0x5e && b[11] === 0xfe) {
    out.push(quad(b, 12));
  }
  return out;
}

/**
 * True for loopback, private, link-local, CGNAT, multicast and unspecified addresses,
 * and for IPv6 forms that carry such an IPv4 address (checked as the IPv4 they carry).
 */
export function isPrivateAddress(/** @type {string} */ ip) {
  const family = net.isIP(ip.replace(/%.*$/, ''));
  if (family === 4) return PRIVATE.check(ip, 'ipv4');
  const bytes = ipv6Bytes(ip);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  // ::/127 (unspecified, loopback) is listed below; the rest of ::/96 carries an IPv4 address.
  if (v4.some((a) => PRIVATE.check(a, 'ipv4'))) return true;
  return PRIVATE.check(ip.replace(/%.*$/, ''), 'ipv6');
}

/** dns.lookup wrapper that refuses private answers, so we connect only to the checked IP. */
/** @type {import('node:net').LookupFunction} */
export const publicLookup = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
    if (err) return callback(err, '', 0);
    const bad = addrs.find((a) => isPrivateAddress(a.address));
    if (bad) {
      const msg = `private address: ${hostname} resolves to ${bad.address}`;
      return callback(Object.assign(new Error(msg), { code: 'EPRIVATE' }), '', 0);
    }
    if (options.all) return /** @type {any} */ (callback)(null, addrs);
    callback(null, addrs[0].address, addrs[0].family);
  });
};
