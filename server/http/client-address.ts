import type { Context } from 'hono';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Address6 } from 'ip-address';
import proxyAddr from 'proxy-addr';
import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../config.js';

/** IPv4 clients of a dual-stack socket show as `::ffff:1.2.3.4`; count them as `1.2.3.4`. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/**
 * The address a request came from: proxy-addr's walk from the socket's peer leftwards through
 * X-Forwarded-For, passing over the hops `trust` names as proxies; the first hop it does not trust
 * is the client. So a peer that is no trusted proxy is the client whatever header it wrote, and
 * entries left of the client's are its own claims, never reached. With no proxy trusted the header
 * is ignored: anyone can write it.
 */
export function clientAddress(c: Context, trust: TrustProxy): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
  }
  // proxy-addr reads only these two parts of a node request; Hono's may have no socket (tests).
  const request = { headers: { 'x-forwarded-for': c.req.header('x-forwarded-for') }, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
  const chain = proxyAddr.all(request, trust);
  const client = chain[chain.length - 1];
  // A trusted proxy that hands over no address: the proxy is as far as anyone can tell.
  return plain(isIP(client) ? client : (chain[chain.length - 2] ?? peer));
}

/**
 * The unit a client is counted in (sign-in throttling): an IPv4 address, or the /64 network of an
 * IPv6 address, which is what one subscriber or host is usually given, so rotating through its
 * 2^64 addresses counts as one client.
 */
export function clientNetwork(address: string): string {
  return isIP(address) === 6 ? `${new Address6(`${address}/64`).startAddress().correctForm()}/64` : address;
}
