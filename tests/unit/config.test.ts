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

  // TRUST_PROXY counts the proxies in front; off (the default) believes no X-Forwarded-For.
  it('reads TRUST_PROXY as a number of proxies', () => {
    expect(loadConfig({}, []).http.trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'off' }, []).http.trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'on' }, []).http.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }, []).http.trustProxy).toBe(2);
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
    [{ TRUST_PROXY: '11' }, [], /TRUST_PROXY/],
    [{ REQUEST_TIMEOUT_SECONDS: '0' }, [], /REQUEST_TIMEOUT_SECONDS/],
    [{ SEND_ACCOUNTS_PER_WORKER: '0' }, [], /SEND_ACCOUNTS_PER_WORKER/],
    [{ SEND_ACCOUNTS_PER_WORKER: '1.5' }, [], /SEND_ACCOUNTS_PER_WORKER/],
  ] as const)('refuses %o %o', (env, argv, message) => {
    expect(() => loadConfig(env, [...argv])).toThrowError(ConfigError);
    expect(() => loadConfig(env, [...argv])).toThrowError(message);
  });
});
