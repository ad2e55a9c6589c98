import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { initTestApp, TEST_PASSWORD, type TestApp } from '../../support/test-app.js';
import { createApp } from '../../../server/http/app.js';
import { initORM } from '../../../server/db/orm.js';
import { RateLimitSchema } from '../../../server/db/entities/rate-limit.entity.js';
import { deleteExpiredRateLimits } from '../../../server/db/rate-limiter.js';
import { LOGIN_LIMITS, MAX_ACCOUNT_WAIT_S } from '../../../server/http/login-throttle.js';
import * as passwords from '../../../server/security/password.js';
import { DEVICE_COOKIE } from '../../../server/http/device-cookie.js';
import { loadConfig } from '../../../server/config.js';

/** What TRUST_PROXY=`raw` makes of X-Forwarded-For. */
const trusting = (raw: string) => loadConfig({ TRUST_PROXY: raw }, []).http.trustProxy;

// The real hashing, watched: a sign-in must do it whether or not the e-mail exists.
vi.mock('../../../server/security/password.js', async (original) => {
  const real = await original<typeof import('../../../server/security/password.js')>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) };
});

let t: TestApp;
let clock = Date.now();

type App = TestApp['app'];

/** POST /api/session as a client at `address` (the socket's peer), with extra headers. */
async function signIn(app: App, address: string, email: string, password: string, headers: Record<string, string> = {}) {
  const res = await app.request(
    '/api/session',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email, password }) },
    { incoming: { socket: { remoteAddress: address } } },
  );
  const device = res.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`))?.split(';')[0];
  return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0), device };
}

/** The limiter's clock is Date: tests move it instead of sleeping. */
const advance = (seconds: number) => {
  clock += seconds * 1000;
  vi.setSystemTime(clock);
};

const rateLimitRows = () => t.services.orm.em.fork().count(RateLimitSchema, {});

beforeAll(async () => {
  t = await initTestApp();
  await t.factories.user('sales_manager', (await t.factories.department()).id, { email: 'dana@throttle.test' });
  await t.factories.user('sales_manager', (await t.factories.department()).id, { email: 'gone@throttle.test', active: false });
  await t.factories.user('admin', null, { email: 'shared@throttle.test' });
  await t.factories.user('admin', null, { email: 'proxied@throttle.test' });
  await t.factories.user('admin', null, { email: 'burst@throttle.test' });
  await t.factories.user('admin', null, { email: 'device@throttle.test' });
  await t.factories.user('admin', null, { email: 'device-other@throttle.test' });
});
afterAll(() => t.close());
afterEach(() => {
  t.services.config.http.trustProxy = trusting('off');
  vi.useRealTimers();
});

describe('sign-in throttling', () => {
  // One client making up e-mails must not grow the server's state without bound: after the
  // address's daily failures it gets 429 with Retry-After, and stores nothing more.
  it('stops a flood of random e-mails from one client with 429 and bounded state', async () => {
    const flood = async () => signIn(t.app, '203.0.113.9', `${randomBytes(6).toString('hex')}@flood.test`, 'wrong-password');
    const first = [];
    for (let i = 0; i < LOGIN_LIMITS.byAddress.points; i++) first.push((await flood()).status);
    expect(new Set(first)).toEqual(new Set([401]));
    const rows = await rateLimitRows();
    expect(rows).toBeLessThanOrEqual(2 * LOGIN_LIMITS.byAddress.points + 1);

    for (let i = 0; i < 30; i++) {
      const refused = await flood();
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBeGreaterThan(0);
    }
    expect(await rateLimitRows()).toBe(rows);
  });

  // An IPv6 client holds a whole /64 (2^64 addresses): rotating through it must not buy a fresh
  // daily allowance (nor fresh rows) per address. The /64 is counted as one client.
  it('counts a flood from rotating IPv6 addresses of one /64 as one client', async () => {
    const flood = async () => {
      const host = Array.from({ length: 4 }, () => randomBytes(2).toString('hex')).join(':');
      return signIn(t.app, `2001:db8:77:1:${host}`, `${randomBytes(6).toString('hex')}@flood6.test`, 'wrong-password');
    };
    for (let i = 0; i < LOGIN_LIMITS.byAddress.points; i++) expect((await flood()).status).toBe(401);
    const rows = await rateLimitRows();
    for (let i = 0; i < 10; i++) expect((await flood()).status).toBe(429);
    expect(await rateLimitRows()).toBe(rows);
    // Another /64 is another client.
    expect((await signIn(t.app, '2001:db8:77:2::1', 'someone@flood6.test', 'wrong-password')).status).toBe(401);
  });

  // Wrong passwords from one client slow the account down for a while, never for long: the owner
  // signing in from elsewhere (here: behind the same trusted proxy) gets in at once or after at
  // most MAX_ACCOUNT_WAIT_S seconds, however long the attacker goes on.
  it('lets the right password in from another client after someone hammered the account', async () => {
    t.services.config.http.trustProxy = trusting('10.0.0.0/8');
    const viaProxy = (client: string, password: string) => signIn(t.app, '10.0.0.1', 'dana@throttle.test', password, { 'x-forwarded-for': client });
    vi.setSystemTime(clock);
    const waits: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await viaProxy('198.51.100.1', `guess-${i}`);
      expect(res.status).not.toBe(200);
      if (res.status === 429) {
        waits.push(res.retryAfter);
        // The attacker waits out every delay (but their own address's block on this account).
        if (res.retryAfter <= MAX_ACCOUNT_WAIT_S) advance(res.retryAfter);
      }
    }
    // The delays grew; only the attacker's own address waited longer than the cap.
    expect(waits.length).toBeGreaterThan(2);
    expect(Math.max(...waits.filter((w) => w <= MAX_ACCOUNT_WAIT_S))).toBeGreaterThan(waits[0]);
    expect(waits.some((w) => w > MAX_ACCOUNT_WAIT_S)).toBe(true);

    let owner = await viaProxy('192.0.2.50', TEST_PASSWORD);
    if (owner.status === 429) {
      expect(owner.retryAfter).toBeLessThanOrEqual(MAX_ACCOUNT_WAIT_S);
      advance(owner.retryAfter);
      owner = await viaProxy('192.0.2.50', TEST_PASSWORD);
    }
    expect(owner.status).toBe(200);
  });

  // The limits count attempts as they start, not after the hashing: a burst of parallel guesses
  // for one account from many addresses gets no more passwords checked than one guess after
  // another would (the account's free failures, then one per wait).
  it('checks no more passwords for a parallel burst than for guesses one after another', async () => {
    // The clock stands still: on a crowded machine a burst outlasting a wait would rightly get
    // the next slot, and the count would measure the machine, not the limits.
    vi.setSystemTime(clock);
    const verify = vi.mocked(passwords.verifyPassword);
    verify.mockClear();
    const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn(t.app, `198.51.100.${i + 100}`, 'burst@throttle.test', `guess-${i}`)));
    const checked = verify.mock.calls.length;
    expect(checked).toBeLessThanOrEqual(LOGIN_LIMITS.accountFailures.points + 1);
    expect(burst.filter((r) => r.status === 401)).toHaveLength(checked);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(100 - checked);
  });

  // Anyone can make an account wait by failing on purpose, again and again (each wait's slot is
  // theirs for the taking). The owner's own browser, which signed in before and kept its device
  // cookie, is not held up by that; a stranger's, or one holding another account's cookie, is.
  it('lets the owner in from a browser they signed in with while an attacker keeps the account waiting', async () => {
    vi.setSystemTime(clock);
    const { device } = await signIn(t.app, '192.0.2.70', 'device@throttle.test', TEST_PASSWORD);
    const { device: otherDevice } = await signIn(t.app, '192.0.2.72', 'device-other@throttle.test', TEST_PASSWORD);
    expect(device).toBeDefined();
    for (let i = 0; i <= LOGIN_LIMITS.accountFailures.points + 1; i++) await signIn(t.app, `203.0.113.${100 + i}`, 'device@throttle.test', `guess-${i}`);
    expect((await signIn(t.app, '192.0.2.71', 'device@throttle.test', TEST_PASSWORD)).status).toBe(429);
    expect((await signIn(t.app, '192.0.2.72', 'device@throttle.test', TEST_PASSWORD, { cookie: otherDevice! })).status).toBe(429);
    expect((await signIn(t.app, '192.0.2.70', 'device@throttle.test', TEST_PASSWORD, { cookie: device! })).status).toBe(200);
  });

  // The counts live in the database: a second web process on it sees the first one's failures.
  it('holds across two app instances sharing the database', async () => {
    vi.setSystemTime(clock);
    const orm = await initORM(t.services.config.database, { migrate: false });
    const other = createApp({ ...t.services, orm });
    try {
      const free = LOGIN_LIMITS.accountFailures.points + 1;
      for (let i = 0; i < free; i++) expect((await signIn(t.app, '198.51.100.2', 'shared@throttle.test', `guess-${i}`)).status).toBe(401);
      const there = await signIn(other, '198.51.100.3', 'shared@throttle.test', 'guess-again');
      expect(there.status).toBe(429);
      expect(there.retryAfter).toBeGreaterThan(0);
    } finally {
      await orm.close();
    }
  });

  // X-Forwarded-For is whatever the client wrote unless a proxy in front is trusted to set it.
  it('ignores X-Forwarded-For unless it comes from a proxy TRUST_PROXY names', async () => {
    const keys = async () => (await t.services.orm.em.fork().find(RateLimitSchema, { key: { $like: 'login_address:%' } })).map((r) => r.key);
    await signIn(t.app, '10.9.9.9', 'proxied@throttle.test', 'wrong', { 'x-forwarded-for': '198.51.100.77' });
    expect(await keys()).toContain('login_address:10.9.9.9');
    expect(await keys()).not.toContain('login_address:198.51.100.77');

    t.services.config.http.trustProxy = trusting('10.0.0.0/8');
    // The client's own claim (left) is ignored; the proxy's entry (right) counts.
    await signIn(t.app, '10.9.9.9', 'proxied@throttle.test', 'wrong', { 'x-forwarded-for': '192.0.2.99, 198.51.100.88' });
    expect(await keys()).toContain('login_address:198.51.100.88');
    expect(await keys()).not.toContain('login_address:192.0.2.99');

    // A client that bypasses the proxy cannot make itself someone else by writing the header.
    await signIn(t.app, '203.0.113.5', 'proxied@throttle.test', 'wrong', { 'x-forwarded-for': '192.0.2.66' });
    expect(await keys()).toContain('login_address:203.0.113.5');
    expect(await keys()).not.toContain('login_address:192.0.2.66');
  });

  // Unknown, inactive and known e-mails all cost one password hash: the answer's timing does not
  // tell which e-mails have an account.
  it('verifies a password hash for unknown and inactive e-mails too', async () => {
    const verify = vi.mocked(passwords.verifyPassword);
    for (const email of ['nobody@throttle.test', 'gone@throttle.test', 'proxied@throttle.test']) {
      verify.mockClear();
      expect((await signIn(t.app, '192.0.2.200', email, 'not-the-password')).status).toBe(401);
      expect(verify).toHaveBeenCalledTimes(1);
    }
  });
});

describe('housekeeping of the counts', () => {
  // The counts a flood leaves behind do not stay: once every limit's duration (and block) is
  // over, housekeeping deletes them, and it never deletes a count still running.
  it('deletes the counts that ended, and only those', async () => {
    await signIn(t.app, '198.51.100.250', `${randomBytes(6).toString('hex')}@prune.test`, 'wrong-password');
    const running = { key: 'login_address:198.51.100.250' };
    await deleteExpiredRateLimits(t.services.orm, new Date());
    expect(await t.services.orm.em.fork().count(RateLimitSchema, running)).toBe(1);
    const longest = Math.max(...Object.values(LOGIN_LIMITS).map((l) => Math.max(l.duration, 'blockDuration' in l ? l.blockDuration : 0)));
    // The tests above moved the limiter's clock ahead: their counts end a day after *that* time.
    await deleteExpiredRateLimits(t.services.orm, new Date(Math.max(Date.now(), clock) + (longest + 1) * 1000));
    expect(await rateLimitRows()).toBe(0);
  });
});

describe('sign-in throttling on the embedded SQLite database', () => {
  // The default install keeps its counts in SQLite, on the ORM's one connection.
  it('slows an account down and lets its owner in after the wait', async () => {
    const lite = await initTestApp({ db: 'sqlite' });
    try {
      await lite.factories.user('admin', null, { email: 'lite@throttle.test' });
      vi.setSystemTime(clock);
      for (let i = 0; i <= LOGIN_LIMITS.accountFailures.points; i++) expect((await signIn(lite.app, '198.51.100.4', 'lite@throttle.test', `guess-${i}`)).status).toBe(401);
      const refused = await signIn(lite.app, '192.0.2.4', 'lite@throttle.test', TEST_PASSWORD);
      expect(refused.status).toBe(429);
      advance(refused.retryAfter);
      expect((await signIn(lite.app, '192.0.2.4', 'lite@throttle.test', TEST_PASSWORD)).status).toBe(200);
    } finally {
      await lite.close();
    }
  });
});
