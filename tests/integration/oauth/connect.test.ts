import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { TestOAuthProvider } from '../../support/oauth-provider.js';
import { knexOf } from '../../../server/db/knex.js';

const SCOPE = 'https://mail.google.com/';

describe('connecting a mailbox with OAuth (authorisation code, PKCE, state) against the test provider', () => {
  const provider = new TestOAuthProvider(15530);
  let t: TestApp;
  let admin: Client;
  let seller: Client;
  let other: Client;
  let accountId: number;

  beforeAll(async () => {
    await provider.start();
    t = await initTestApp({ env: { OAUTH_GOOGLE_ISSUER: provider.issuer, OAUTH_MICROSOFT_ISSUER: provider.issuer } });
    const dept = await t.factories.department();
    await t.factories.user('admin', null, { email: 'admin@oauth.test' });
    const owner = await t.factories.user('sales_manager', dept.id, { email: 'seller@oauth.test' });
    await t.factories.user('sales_manager', dept.id, { email: 'other@oauth.test' });
    accountId = (await t.factories.account(owner, { smtpUser: 'anna@mail.test', fromEmail: 'anna@mail.test' })).id;
    [admin, seller, other] = await Promise.all(['admin', 'seller', 'other'].map((u) => t.signIn(`${u}@oauth.test`)));
  });
  afterAll(async () => {
    await t.close();
    await provider.stop();
  });

  /** Connect → the provider's consent (the mock consents at once) → the callback, as the browser follows it. */
  async function connectAs(client: Client, callbackClient = client) {
    const start = await client.post(`/api/accounts/${accountId}/oauth/google`);
    expect(start.status).toBe(200);
    const consent = await fetch(start.body.url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const res = await callbackClient.get(`/api/oauth/callback${back.search}`);
    expect(res.status).toBe(302);
    return { authorize: new URL(start.body.url), back, landing: new URL(res.headers.get('location')!) };
  }

  // Only admins register clients; the secret is write-only and stays with the client id it came with.
  it('lets an admin register the Google client, never returning its secret', async () => {
    expect((await seller.put('/api/settings/oauth/google', { clientId: 'x', clientSecret: 'y' })).status).toBe(403);
    expect((await admin.put('/api/settings/oauth/google', { clientId: 'mailroom-client' })).body).toMatchObject({ code: 'precondition', field: 'clientSecret' });
    const saved = await admin.put('/api/settings/oauth/google', { clientId: 'mailroom-client', clientSecret: 'client-secret-value' });
    expect(saved.body).toMatchObject({ provider: 'google', clientId: 'mailroom-client', hasSecret: true, redirectUrl: 'http://localhost:3000/api/oauth/callback', scopes: [SCOPE, 'openid', 'email'] });
    expect(saved.text).not.toContain('client-secret-value');
    const listed = await seller.get('/api/settings/oauth');
    expect(listed.text).not.toContain('client-secret-value');
    expect(listed.body.items.map((c: { provider: string; hasSecret: boolean }) => [c.provider, c.hasSecret])).toEqual([['google', true], ['microsoft', false]]);
    // A changed client id without a secret would send the old client's secret to the new one.
    expect((await admin.put('/api/settings/oauth/google', { clientId: 'another-client' })).status).toBe(422);
  });

  // The round trip: PKCE S256 and a sealed state out, the grant stored sealed on the way back.
  it('connects the account and stores the refresh token encrypted', async () => {
    const { authorize, back, landing } = await connectAs(seller);
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    // The mail scope, and OpenID Connect's so the id_token names the mailbox.
    expect(authorize.searchParams.get('scope')).toBe(`${SCOPE} openid email`);
    expect(authorize.searchParams.get('access_type')).toBe('offline');
    expect(back.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'connected', account: String(accountId) });

    const row = await knexOf(t.services.orm.em.fork())('email_accounts').where({ id: accountId }).first();
    expect(row.oauth_provider).toBe('google');
    const live = provider.liveRefreshTokens();
    expect(live).toContain(t.services.secrets.decrypt(row.oauth_refresh_token_enc));
    expect(live.some((token) => JSON.stringify(row).includes(token))).toBe(false);
    const dto = await seller.get(`/api/accounts/${accountId}`);
    expect(dto.body.oauthProvider).toBe('google');
    expect(live.some((token) => dto.text.includes(token))).toBe(false);
  });

  // The state binds the answer to who started: someone else's session cannot finish it.
  it('refuses a callback from a user other than the one who started', async () => {
    const { landing } = await connectAs(seller, other);
    expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason: 'not_yours' });
  });

  it('refuses a forged state', async () => {
    const res = await seller.get('/api/oauth/callback?code=abc&state=v1:AAAA');
    expect(Object.fromEntries(new URL(res.headers.get('location')!).searchParams)).toEqual({ oauth: 'failed', reason: 'forged' });
  });

  // Anyone can send a user to the callback: the provider's error text is never carried on to be shown.
  it.each([
    ['access_denied', 'denied'],
    ['server_error', 'provider_refused'],
  ])('answers the error %s with the code %s and none of the words it came with', async (error, reason) => {
    const res = await seller.get(`/api/oauth/callback?error=${error}&error_description=PHISH%3A+call+0800+now`);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(Object.fromEntries(new URL(location).searchParams)).toEqual({ oauth: 'failed', reason });
    expect(decodeURIComponent(location)).not.toContain('PHISH');
  });

  // The user unticked mail access on the consent screen: no half-working account.
  it('refuses a grant without the mail scope', async () => {
    provider.consentScopes = 'openid email';
    try {
      const { landing } = await connectAs(seller);
      expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason: 'missing_scopes' });
    } finally {
      provider.consentScopes = null;
    }
  });

  // Only who may change the account connects it: a colleague in the department sees it, no more.
  it('lets no one connect an account they may not change', async () => {
    expect((await other.post(`/api/accounts/${accountId}/oauth/google`)).status).toBe(403);
  });

  // The user revokes Mailroom's access: the account's test says so (red, with the reason), the
  // account still shows its provider so the page offers Reconnect, and reconnecting clears it.
  it('shows a revoked grant on the account and clears it on reconnect', async () => {
    provider.revokeUser('anna@mail.test');
    await knexOf(t.services.orm.em.fork())('email_accounts').where({ id: accountId }).update({ oauth_access_expires_at: new Date(Date.now() - 1000) });
    const tested = await seller.post(`/api/accounts/${accountId}/test`);
    expect(tested.body).toMatchObject({ ok: false, health: 'auth_failed', message: expect.stringContaining('invalid_grant') });
    expect((await seller.get(`/api/accounts/${accountId}`)).body).toMatchObject({ oauthProvider: 'google', health: 'auth_failed', light: { green: false, reason: 'auth_failed' } });

    const { landing } = await connectAs(seller);
    expect(landing.searchParams.get('oauth')).toBe('connected');
    expect((await seller.get(`/api/accounts/${accountId}`)).body).toMatchObject({ oauthProvider: 'google', health: 'unknown', healthReason: null });
  });

  // Giving a password (or another server) makes it a password account: the grant's tokens never follow a new host.
  it('drops the grant when the SMTP server or password changes', async () => {
    const res = await seller.patch(`/api/accounts/${accountId}`, { smtpHost: 'smtp.elsewhere.test', password: 'app-password' });
    expect(res.status).toBe(200);
    expect(res.body.oauthProvider).toBeNull();
    const row = await knexOf(t.services.orm.em.fork())('email_accounts').where({ id: accountId }).first();
    expect([row.oauth_provider, row.oauth_refresh_token_enc, row.oauth_access_token_enc]).toEqual([null, null, null]);
  });
});
