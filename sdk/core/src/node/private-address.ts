import { BlockList, isIP } from "node:net";

// Special-purpose ranges of RFC 6890 and its IPv6 counterpart: none of them is a public internet host.
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, bits, "ipv6");

/**
 * True for loopback, private, link-local, CGNAT, multicast and other non-public addresses, and for anything
 * that is not an IP address at all: the rule outbound requests on a server's behalf apply after DNS.
 *
 * @example
 * ```ts
 * isPrivateAddress("192.168.1.4"); // true
 * isPrivateAddress("::ffff:127.0.0.1"); // true
 * isPrivateAddress("1.1.1.1"); // false
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    // IPv4-mapped addresses are judged as the IPv4 address they carry (a ::ffff:0:0/96 rule would also
    // catch every plain IPv4 address, because BlockList compares IPv4 against IPv6 rules mapped).
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1] as string, "ipv4");
    return blocked.check(address, "ipv6");
  }
  return true;
}
