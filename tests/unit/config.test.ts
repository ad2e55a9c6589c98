import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('loadConfig', () => {
  // The embedded defaults need no environment at all.
  it('defaults to SQLite, the embedded job store and the mail sink under data/', () => {
    const c = loadConfig({}, []);
    expect(c.database).toEqual({ kind: 'sqlite', path: 'data/mailroom.sqlite' });
    expect(c.jobs).toEqual({ kind: 'embedded', dir: 'data/jobs' });
    expect(c.mailSink).toEqual({ port: 2525, dir: 'data/outbox', mailboxes: 'data/mailboxes' });
    expect(c.port).toBe(3000);
    expect(c.role).toBe('all');
  });

  it('selects MySQL, MongoDB and Postgres from their URLs', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/crm', JOBS_URL: 'mongodb://mongo:27017/jobs' }, []);
    expect(c.database).toEqual({ kind: 'mysql', url: 'mysql://u:p@db:3306/crm' });
    expect(c.jobs).toEqual({ kind: 'mongodb', url: 'mongodb://mongo:27017/jobs' });
    expect(loadConfig({ JOBS_URL: 'postgres://localhost/jobs' }, []).jobs.kind).toBe('postgres');
  });

  // TRUST_PROXY names the proxies whose X-Forwarded-For is believed; off (the default) believes none.
  it('reads TRUST_PROXY as the proxies trusted, `on` meaning one on this machine', () => {
    const trusts = (raw: string | undefined, address: string) => loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }, []).http.trustProxy(address, 0);
    for (const raw of [undefined, '', 'off', '0']) expect(trusts(raw, '127.0.0.1')).toBe(false);
    for (const raw of ['on', '1']) {
      expect(trusts(raw, '127.0.0.1')).toBe(true);
      expect(trusts(raw, '::1')).toBe(true);
      expect(trusts(raw, '10.0.0.1')).toBe(false);
    }
    expect(trusts('127.0.0.1, 10.0.0.0/8', '10.200.3.4')).toBe(true);
    expect(trusts('127.0.0.1, 10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(trusts('fd00::/8,loopback', 'fd12::7')).toBe(true);
  });

  it('reads how many accounts a worker sends for at once', () => {
    expect(loadConfig({}, []).engine.accountsPerWorker).toBe(50);
    expect(loadConfig({ SEND_ACCOUNTS_PER_WORKER: '2' }, []).engine.accountsPerWorker).toBe(2);
  });

  it('reads the process role', () => {
    expect(loadConfig({}, ['--role', 'worker']).role).toBe('worker');
    expect(loadConfig({}, ['--role=web']).role).toBe('web');
  });

  // A malformed value stops the start with a message naming the variable.
  it.each([
    [{ DATABASE_URL: 'foo://x' }, [], /DATABASE_URL/],
    [{ JOBS_URL: 'redis://x' }, [], /JOBS_URL/],
    [{ PORT: 'eighty' }, [], /PORT/],
    [{ PORT: '70000' }, [], /PORT/],
    [{ SECRET_KEY: 'short' }, [], /SECRET_KEY/],
    [{ MAIL_SINK: 'maybe' }, [], /MAIL_SINK/],
    [{ PUBLIC_URL: 'ftp://x' }, [], /PUBLIC_URL/],
    [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'long-enough-pass' }, [], /ADMIN_EMAIL/],
    [{}, ['--role', 'boss'], /--role/],
    [{ TRUST_PROXY: 'yes' }, [], /TRUST_PROXY/],
    [{ TRUST_PROXY: '2' }, [], /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, [], /TRUST_PROXY/],
    [{ TRUST_PROXY: '127.0.0.1,proxy.example.com' }, [], /TRUST_PROXY/],
    [{ REQUEST_TIMEOUT_SECONDS: '0' }, [], /REQUEST_TIMEOUT_SECONDS/],
    [{ SEND_ACCOUNTS_PER_WORKER: '0' }, [], /SEND_ACCOUNTS_PER_WORKER/],
    [{ SEND_ACCOUNTS_PER_WORKER: '1.5' }, [], /SEND_ACCOUNTS_PER_WORKER/],
  ] as const)('refuses %o %o', (env, argv, message) => {
    expect(() => loadConfig(env, [...argv])).toThrowError(ConfigError);
    expect(() => loadConfig(env, [...argv])).toThrowError(message);
  });
});
