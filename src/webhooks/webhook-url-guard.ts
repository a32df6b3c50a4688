import dns from 'node:dns';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { badRequest } from '../common/errors';

interface Range {
  bytes: number[];
  bits: number;
}

const v4 = (cidr: string): Range => {
  const [ip, bits] = cidr.split('/');
  return { bytes: ipv4Bytes(ip)!, bits: Number(bits) };
};
const v6 = (cidr: string): Range => {
  const [ip, bits] = cidr.split('/');
  return { bytes: ipv6Bytes(ip)!, bits: Number(bits) };
};

// Addresses a webhook must never reach: this host, the private networks around it, link-local (cloud
// metadata at 169.254.169.254), carrier-grade NAT, multicast, and the reserved and documentation ranges.
const BLOCKED_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
].map(v4);

const BLOCKED_V6 = [
  '::/96', // unspecified, loopback and the deprecated IPv4-compatible block
  '64:ff9b:1::/48', // local-use NAT64
  '100::/64', // discard-only
  '2001:db8::/32', // documentation
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local
  'ff00::/8', // multicast
].map(v6);

// IPv6 ranges that carry an IPv4 address, judged by that address: [range, offset of the IPv4 bytes].
const EMBEDDING_V6: [Range, number][] = [
  [v6('::ffff:0:0/96'), 12], // IPv4-mapped
  [v6('64:ff9b::/96'), 12], // NAT64
  [v6('2002::/16'), 2], // 6to4
];

function ipv4Bytes(address: string): number[] | null {
  if (!isIPv4(address)) return null;
  return address.split('.').map(Number);
}

function ipv6Bytes(address: string): number[] | null {
  const plain = address.split('%')[0];
  if (!isIPv6(plain)) return null;
  let text = plain;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    tail = ipv4Bytes(last) ?? [];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const groupsOf = (s: string) => (s === '' ? [] : s.split(':'));
  let groups: string[];
  if (text.includes('::')) {
    const [left, right] = text.split('::');
    const l = groupsOf(left);
    const r = groupsOf(right);
    groups = [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  } else {
    groups = text.split(':');
  }
  const bytes = groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

/**
 * True for an address a webhook must not be delivered to: private, loopback, link-local, CGNAT,
 * unique-local, multicast or reserved, IPv4 or IPv6 (IPv4-mapped, NAT64 and 6to4 judged by their IPv4).
 * Anything that is not an IP address counts as private (fail closed).
 */
export function isPrivateAddress(address: string): boolean {
  const four = ipv4Bytes(address);
  if (four) return BLOCKED_V4.some((r) => inRange(four, r));
  const six = ipv6Bytes(address.replace(/^\[|\]$/g, ''));
  if (!six) return true;
  for (const [range, offset] of EMBEDDING_V6) {
    if (inRange(six, range)) return isPrivateAddress(six.slice(offset, offset + 4).join('.'));
  }
  return BLOCKED_V6.some((r) => inRange(six, r));
}

export type LookupAll = (hostname: string) => Promise<LookupAddress[]>;

const LOOKUP_TIMEOUT_MS = 5000;

const systemLookupAll: LookupAll = (hostname) =>
  Promise.race([
    dns.promises.lookup(hostname, { all: true, verbatim: true }),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('DNS lookup timed out')), LOOKUP_TIMEOUT_MS).unref(),
    ),
  ]);

/**
 * Parses a receiver URL and refuses what a webhook may not call: anything but http and https, URLs with
 * credentials, and (unless allowPrivate) hosts that resolve to any private or loopback address.
 * Throws a 400 DomainError naming the problem; used when a webhook is saved and before every delivery.
 */
export async function assertDeliverableUrl(
  raw: string,
  allowPrivate: boolean,
  lookupAll: LookupAll = systemLookupAll,
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('url must be an absolute http or https URL', { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest('url must use http or https', { field: 'url' });
  }
  if (url.username || url.password) {
    throw badRequest('url must not contain credentials', { field: 'url' });
  }
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookupAll(host)).map((a) => a.address);
    } catch {
      throw badRequest(`url host ${host} does not resolve`, { field: 'url' });
    }
  }
  const blocked = addresses.find(isPrivateAddress);
  if (addresses.length === 0 || blocked !== undefined) {
    throw badRequest(`url host ${host} resolves to a private or loopback address`, { field: 'url' });
  }
  return url;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A dns.lookup replacement for the delivery sockets: the addresses the connection will actually use are
 * checked, so a host re-pointed to a private address after the check above (DNS rebinding) is refused.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked || addresses.length === 0) {
      const refused: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to a private or loopback address`,
      );
      refused.code = 'EPRIVATEADDRESS';
      return callback(refused, []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}
