import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { clientAddress, clientNetwork } from '../../server/http/client-address.js';
import { loadConfig } from '../../server/config.js';

/** The address clientAddress() sees for a request from `peer` with this X-Forwarded-For, TRUST_PROXY being `trust`. */
async function seen(trust: string, peer: string, forwardedFor?: string) {
  const trustProxy = loadConfig({ TRUST_PROXY: trust }, []).http.trustProxy;
  const app = new Hono().get('/', (c) => c.text(clientAddress(c, trustProxy)));
  const res = await app.request('/', { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }, { incoming: { socket: { remoteAddress: peer } } });
  return res.text();
}

describe('clientAddress', () => {
  // Without a trusted proxy the header is the client's own claim: never believed.
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    expect(await seen('off', '10.0.0.1', '198.51.100.7')).toBe('10.0.0.1');
  });

  // TRUST_PROXY on: a client that reaches the server directly, not through the proxy, cannot name
  // its own address (and so dodge the sign-in throttle) by writing the header itself.
  it('ignores the X-Forwarded-For of a peer that is not a trusted proxy', async () => {
    expect(await seen('on', '203.0.113.9', '198.51.100.7')).toBe('203.0.113.9');
    expect(await seen('127.0.0.1,10.0.0.0/8', '203.0.113.9', '10.0.0.1')).toBe('203.0.113.9');
  });

  it('takes the address the trusted proxy was reached from', async () => {
    expect(await seen('on', '127.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
    expect(await seen('on', '::ffff:127.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
  });

  // Right to left, trusted hops are passed over; the first untrusted one is the client, and
  // whatever stands left of it is what the client wrote, even an address that looks trusted.
  it('takes the right-most untrusted hop of a chain, never a forged one left of it', async () => {
    expect(await seen('127.0.0.1,10.0.0.0/8', '10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.1')).toBe('198.51.100.7');
    expect(await seen('127.0.0.1,10.0.0.0/8', '127.0.0.1', '10.9.9.9, 198.51.100.7')).toBe('198.51.100.7');
    expect(await seen('on', '127.0.0.1', '127.0.0.1, 198.51.100.7')).toBe('198.51.100.7');
  });

  // A chain of trusted proxies only: the left-most is as far as anyone can tell.
  it('stays within the chain and refuses entries that are no address', async () => {
    expect(await seen('127.0.0.1,10.0.0.0/8', '127.0.0.1', '10.0.0.5, 10.0.0.1')).toBe('10.0.0.5');
    expect(await seen('on', '127.0.0.1')).toBe('127.0.0.1');
    expect(await seen('on', '127.0.0.1', 'evil, not-an-ip')).toBe('127.0.0.1');
  });

  it('counts an IPv4 client of a dual-stack socket by its IPv4 address', async () => {
    expect(await seen('off', '::ffff:192.0.2.4')).toBe('192.0.2.4');
  });
});

describe('clientNetwork', () => {
  // One IPv6 host or subscriber holds a /64: every address in it is the same client; IPv4 stays as it is.
  it('counts IPv6 clients by their /64 and IPv4 clients by their address', () => {
    expect(clientNetwork('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:DB8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientNetwork('fe80::1%eth0')).toBe('fe80::/64');
    expect(clientNetwork('192.0.2.4')).toBe('192.0.2.4');
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});
