import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';

/** A user's language is theirs: stored on the server, given back with the session, kept for the next sign-in. */
let t: TestApp;

beforeAll(async () => {
  t = await initTestApp();
  const dept = await t.factories.department('Sales');
  await t.factories.user('sales_manager', dept.id, { email: 'sprache@locale.test' });
});
afterAll(() => t.close());

describe('PUT /api/session/locale', () => {
  it('stores the choice, answers it with the session and keeps it for the next sign-in', async () => {
    const first = await t.signIn('sprache@locale.test');
    expect((await first.get('/api/session')).body).toMatchObject({ locale: null });

    const chosen = await first.put('/api/session/locale', { locale: 'de' });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual({ locale: 'de' });
    expect((await first.get('/api/session')).body).toMatchObject({ locale: 'de' });

    const next = await t.signIn('sprache@locale.test');
    expect((await next.get('/api/session')).body).toMatchObject({ locale: 'de' });

    // null: follow the browser again.
    expect((await next.put('/api/session/locale', { locale: null })).body).toEqual({ locale: null });
    expect((await first.get('/api/session')).body).toMatchObject({ locale: null });
  });

  it('refuses a language Mailroom does not speak, and anonymous callers, changing nothing', async () => {
    const user = await t.signIn('sprache@locale.test');
    await user.put('/api/session/locale', { locale: 'fr' });
    for (const body of [{ locale: 'xx' }, { locale: 'EN' }, { locale: 'de', extra: 1 }, {}]) {
      const res = await user.put('/api/session/locale', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_input');
    }
    expect((await t.anonymous.put('/api/session/locale', { locale: 'de' })).status).toBe(401);
    expect((await user.get('/api/session')).body).toMatchObject({ locale: 'fr' });
  });
});
