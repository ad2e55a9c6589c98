import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { clientAddress, clientNetwork } from '../../server/http/client-address.js';

/** The address clientAddress() sees for a request from `peer` with this X-Forwarded-For. */
async function seen(trustedProxies: number, peer: string, forwardedFor?: string) {
  const app = new Hono().get('/', (c) => c.text(clientAddress(c, trustedProxies)));
  const res = await app.request('/', { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }, { incoming: { socket: { remoteAddress: peer } } });
  return res.text();
}

describe('clientAddress', () => {
  // Without a trusted proxy the header is the client's own claim: never believed.
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    expect(await seen(0, '10.0.0.1', '198.51.100.7')).toBe('10.0.0.1');
  });

  // Each trusted proxy appends the address it was reached from; what the client wrote stays left of it.
  it('takes the n-th address from the right with n trusted proxies', async () => {
    expect(await seen(1, '10.0.0.1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(await seen(2, '10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.1')).toBe('198.51.100.7');
  });

  // A shorter chain than configured, or a non-address in it, falls back as far as the chain goes.
  it('stays within the chain and refuses entries that are no address', async () => {
    expect(await seen(3, '10.0.0.1', '198.51.100.7')).toBe('198.51.100.7');
    expect(await seen(1, '10.0.0.1')).toBe('10.0.0.1');
    expect(await seen(1, '10.0.0.1', 'evil, not-an-ip')).toBe('10.0.0.1');
  });

  it('counts an IPv4 client of a dual-stack socket by its IPv4 address', async () => {
    expect(await seen(0, '::ffff:192.0.2.4')).toBe('192.0.2.4');
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
