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

/** True for loopback, private, link-local, CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(/** @type {string} */ ip) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  const family = net.isIP(ip);
  if (!family) return true;
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
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
