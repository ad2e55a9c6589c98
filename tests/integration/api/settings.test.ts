import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import type { TestDb } from '../../support/databases.js';

const valid = {
  windowStart: '09:00',
  windowEnd: '17:00',
  businessDays: [5, 1, 2],
  defaultDailyLimit: 120,
  timeZone: 'Europe/London',
  publicBaseUrl: 'https://mail.example.com/',
  unsubscribeMailto: 'Unsubscribe@Example.com',
  unsubscribeText: 'Click below to stop receiving our newsletters.',
};

// Both dialects: businessDays is a JSON column, and each driver hands JSON back differently.
describe.each(['mysql', 'sqlite'] as TestDb[])('settings on %s', (db) => {
  let t: TestApp;
  let admin_: Client;
  let seller_: Client;

  beforeAll(async () => {
    t = await initTestApp({ db });
    const sales = await t.factories.department();
    await t.factories.user('admin', null, { email: 'admin@set.test' });
    await t.factories.user('sales_manager', sales.id, { email: 'seller@set.test' });
    admin_ = await t.signIn('admin@set.test');
    seller_ = await t.signIn('seller@set.test');
  });
  afterAll(() => t.close());

  it('shows the defaults to every signed-in user', async () => {
    const res = await seller_.get('/api/settings');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ windowStart: '08:30', windowEnd: '17:30', businessDays: [1, 2, 3, 4], defaultDailyLimit: 94, timeZone: 'UTC', unsubscribeMailto: null });
    expect((await t.anonymous.get('/api/settings')).status).toBe(401);
  });

  it('lets an admin replace them and everyone read the result', async () => {
    const res = await admin_.put('/api/settings', valid);
    expect(res.status, res.text).toBe(200);
    const expected = { ...valid, businessDays: [1, 2, 5], publicBaseUrl: 'https://mail.example.com', unsubscribeMailto: 'unsubscribe@example.com' };
    expect(res.body).toEqual(expected);
    expect((await seller_.get('/api/settings')).body).toEqual(expected);
    expect((await admin_.put('/api/settings', { ...valid, unsubscribeMailto: null })).body.unsubscribeMailto).toBeNull();
  });

  it('lets only admins change them', async () => {
    expect((await seller_.put('/api/settings', valid)).status).toBe(403);
  });

  // Each rule the engine relies on (window order, a non-empty set of days) is enforced at the door.
  it.each([
    ['a window that ends before it starts', { windowStart: '17:00', windowEnd: '09:00' }],
    ['an empty window', { windowStart: '09:00', windowEnd: '09:00' }],
    ['a time that is not HH:MM', { windowStart: '9:00' }],
    ['an hour past 23', { windowEnd: '24:00' }],
    ['no business days', { businessDays: [] }],
    ['a weekday outside 1..7', { businessDays: [0, 1] }],
    ['a repeated weekday', { businessDays: [1, 1] }],
    ['a daily limit of 0', { defaultDailyLimit: 0 }],
    ['a daily limit above 10000', { defaultDailyLimit: 10_001 }],
    ['an unknown time zone', { timeZone: 'Atlantis/Capital' }],
    ['a non-http URL', { publicBaseUrl: 'ftp://mail.example.com' }],
    ['a malformed URL', { publicBaseUrl: 'not a url' }],
    ['a malformed mailto', { unsubscribeMailto: 'nobody' }],
    ['an overlong text', { unsubscribeText: 'x'.repeat(2001) }],
    ['an unknown field', { theme: 'dark' }],
  ])('refuses %s with 400', async (_label, change) => {
    const res = await admin_.put('/api/settings', { ...valid, ...change });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it('refuses a partial body with 400', async () => {
    const { timeZone: _omitted, ...partial } = valid;
    expect((await admin_.put('/api/settings', partial)).status).toBe(400);
  });
});
