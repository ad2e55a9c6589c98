import type { Context } from 'hono';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Address6 } from 'ip-address';

/** IPv4 clients of a dual-stack socket show as `::ffff:1.2.3.4`; count them as `1.2.3.4`. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * The address a request came from. With `trustedProxies` = 0 (TRUST_PROXY off) it is the socket's
 * peer and X-Forwarded-For is ignored: anyone can write that header. With n > 0, n proxies stand in
 * front and each appended the address it was reached from, so the client is the n-th entry from
 * the right (the peer being the nearest proxy); entries further left are what the client claimed.
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
  }
  if (trustedProxies === 0) return plain(peer);
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  const client = chain[Math.min(trustedProxies, chain.length - 1)];
  // A proxy writes addresses; anything else means the chain is not what the setting says.
  return isIP(client) ? plain(client) : plain(peer);
}

/**
 * The unit a client is counted in (sign-in throttling): an IPv4 address, or the /64 network of an
 * IPv6 address, which is what one subscriber or host is usually given, so rotating through its
 * 2^64 addresses counts as one client.
 */
export function clientNetwork(address: string): string {
  return isIP(address) === 6 ? `${new Address6(`${address}/64`).startAddress().correctForm()}/64` : address;
}
