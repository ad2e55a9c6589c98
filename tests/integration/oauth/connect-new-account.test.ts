import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { TestOAuthProvider } from '../../support/oauth-provider.js';
import { XOAuth2Server } from '../../support/xoauth2-server.js';
import { knexOf } from '../../../server/db/knex.js';
import { providerOf } from '../../../server/domain/mail-providers.js';

/** A company address on Google's servers is Workspace, whose quota the new account starts under. */
const WORKSPACE_DAILY_LIMIT = providerOf({ address: 'sally@mail.test', host: 'smtp.gmail.com' })!.dailyLimit!.suggested;

const SCOPE = 'https://mail.google.com/';

/**
 * A sales manager adds an account by connecting a mailbox (no password anywhere), reconnects it
 * only with the same mailbox, reads its inbox with the same grant, and deleting it revokes the
 * grant at the provider. Every refusal leaves the database as it was.
 */
describe('adding an account by connecting a mailbox with OAuth', () => {
  const provider = new TestOAuthProvider(15550);
  const imap = new XOAuth2Server('imap', 15551, provider.issuer, SCOPE);
  let t: TestApp;
  let admin: Client;
  let seller: Client;
  let newId: number;

  const rows = () => knexOf(t.services.orm.em.fork())('email_accounts').orderBy('id').select();
  const accountRow = async (id: number) => knexOf(t.services.orm.em.fork())('email_accounts').where({ id }).first();

  /** Start → the provider's consent (the mock consents at once) → the callback; returns where the browser lands and the callback's query. */
  async function connect(client: Client, start: string) {
    const started = await client.post(start);
    expect(started.status, started.text).toBe(200);
    const consent = await fetch(started.body.url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const res = await client.get(`/api/oauth/callback${back.search}`);
    expect(res.status).toBe(302);
    return { landing: new URL(res.headers.get('location')!), query: back.search };
  }
  const landedOf = async (client: Client, query: string) => new URL((await client.get(`/api/oauth/callback${query}`)).headers.get('location')!);

  beforeAll(async () => {
    await Promise.all([provider.start(), imap.start()]);
    t = await initTestApp({ env: { OAUTH_GOOGLE_ISSUER: provider.issuer, OAUTH_MICROSOFT_ISSUER: provider.issuer } });
    const dept = await t.factories.department();
    await t.factories.user('admin', null, { email: 'admin@new.test' });
    await t.factories.user('sales_manager', dept.id, { email: 'seller@new.test', name: 'Sally Seller' });
    [admin, seller] = await Promise.all(['admin', 'seller'].map((u) => t.signIn(`${u}@new.test`)));
    expect((await admin.put('/api/settings/oauth/google', { clientId: 'mailroom-client', clientSecret: 'client-secret' })).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([imap.stop(), provider.stop()]);
  });

  it('makes the account from the mailbox the id_token names, on Google’s servers, without a password', async () => {
    provider.nextUser = 'Sally@Mail.test';
    const { landing } = await connect(seller, '/api/accounts/oauth/google');
    expect(landing.searchParams.get('oauth')).toBe('connected');
    newId = Number(landing.searchParams.get('account'));
    const dto = (await seller.get(`/api/accounts/${newId}`)).body;
    expect(dto).toMatchObject({
      name: 'sally@mail.test', fromName: 'Sally Seller', fromEmail: 'sally@mail.test', smtpUser: 'sally@mail.test',
      smtpHost: 'smtp.gmail.com', smtpPort: 465, smtpSecurity: 'tls', hasPassword: false, oauthProvider: 'google', dailyLimit: WORKSPACE_DAILY_LIMIT,
    });
    const row = await accountRow(newId);
    expect(row.smtp_password_enc).toBeNull();
    expect(provider.liveRefreshTokens()).toContain(t.services.secrets.decrypt(row.oauth_refresh_token_enc));
  });

  it('lets no one without a department start one (they cannot own accounts)', async () => {
    const res = await admin.post('/api/accounts/oauth/google');
    expect(res.status).toBe(422);
    expect(res.body.url).toBeUndefined();
  });

  it('refuses to add the same mailbox twice, giving the new grant back', async () => {
    const before = await rows();
    provider.revoked = [];
    const { landing } = await connect(seller, '/api/accounts/oauth/google');
    expect(landing.searchParams.get('oauth')).toBe('failed');
    // The page names the account the user already has, by its id: no words travel in the URL.
    expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason: 'duplicate_mailbox', account: String(newId) });
    expect(await rows()).toEqual(before);
    await expect.poll(() => provider.revoked.length).toBe(1);
  });

  // Reconnect must not swap the mailbox behind the account: its address, history and limits belong to one mailbox.
  it('refuses to reconnect the account with another mailbox, changing nothing', async () => {
    const before = await rows();
    provider.nextUser = 'somebody-else@mail.test';
    try {
      const { landing } = await connect(seller, `/api/accounts/${newId}/oauth/google`);
      expect(landing.searchParams.get('oauth')).toBe('failed');
      expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason: 'wrong_mailbox', account: String(newId) });
    } finally {
      provider.nextUser = 'sally@mail.test';
    }
    expect(await rows()).toEqual(before);
  });

  it('refuses an id_token that names no verified mailbox of ours', async () => {
    const before = await rows();
    provider.idTokenEmail = 'not an address';
    try {
      const { landing } = await connect(seller, '/api/accounts/oauth/google');
      expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason: 'no_mailbox' });
    } finally {
      provider.idTokenEmail = null;
    }
    expect(await rows()).toEqual(before);
  });

  it.each([
    ['a replayed answer (its code is spent)', 'exchange_refused', async () => (await connect(seller, `/api/accounts/${newId}/oauth/google`)).query],
    ['an answer without a code', 'provider_refused', async () => `?state=${encodeURIComponent(new URL((await seller.post(`/api/accounts/${newId}/oauth/google`)).body.url).searchParams.get('state')!)}`],
    ['a forged state', 'forged', async () => '?code=forged&state=v1%3AAAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses %s and changes nothing', async (_label, reason, query) => {
    const q = await query();
    const before = await rows();
    const landing = await landedOf(seller, q);
    expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason });
    expect(await rows()).toEqual(before);
  });

  // The browser comes back by a redirect: a refusal lands on the accounts page with its reason, never as JSON.
  it('says on the accounts page that the account went while the user was at the provider', async () => {
    const created = await seller.post('/api/accounts', { name: 'Gone soon', fromName: 'S', fromEmail: 'sally@mail.test', smtpHost: 'smtp.gmail.com', smtpPort: 465, smtpSecurity: 'tls', smtpUser: 'sally@mail.test', password: 'app-password' });
    expect(created.status, created.text).toBe(201);
    const started = await seller.post(`/api/accounts/${created.body.id}/oauth/google`);
    const consent = await fetch(started.body.url, { redirect: 'manual' });
    expect((await seller.delete(`/api/accounts/${created.body.id}`)).status).toBe(200);
    const before = await rows();
    const landing = await landedOf(seller, new URL(consent.headers.get('location')!).search);
    expect(landing.pathname).toBe('/accounts');
    expect(Object.fromEntries(landing.searchParams)).toEqual({ oauth: 'failed', reason: 'not_allowed' });
    expect(await rows()).toEqual(before);
  });

  // The incoming side: no password asked, the same grant signs in (XOAUTH2), and only where the provider reads mail.
  it('reads the inbox with the account’s grant, and sends that token to no other server', async () => {
    const inbox = { host: 'imap.gmail.com', port: 993, security: 'tls', user: 'sally@mail.test' };
    const saved = await seller.put(`/api/accounts/${newId}/inbox`, inbox);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.hasPassword).toBe(false);
    const elsewhere = await seller.put(`/api/accounts/${newId}/inbox`, { ...inbox, host: 'imap.attacker.test' });
    expect(elsewhere.body).toMatchObject({ code: 'precondition', field: 'password' });
    expect((await seller.get(`/api/accounts/${newId}/inbox`)).body.host).toBe('imap.gmail.com');
  });

  it('signs in to the inbox with XOAUTH2 where the account sends', async () => {
    const owner = await t.factories.user('sales_manager', (await t.factories.department()).id, { email: 'loopback@new.test' });
    const account = await t.factories.account(owner, { smtpHost: '127.0.0.1', smtpUser: 'loop@mail.test', fromEmail: 'loop@mail.test' });
    const client = await t.signIn('loopback@new.test');
    provider.nextUser = 'loop@mail.test';
    try {
      expect((await connect(client, `/api/accounts/${account.id}/oauth/google`)).landing.searchParams.get('oauth')).toBe('connected');
    } finally {
      provider.nextUser = 'sally@mail.test';
    }
    expect((await client.put(`/api/accounts/${account.id}/inbox`, { host: '127.0.0.1', port: imap.port, security: 'none', user: 'loop@mail.test' })).status).toBe(200);
    const tested = await client.post(`/api/accounts/${account.id}/inbox/test`);
    expect(tested.body, tested.text).toMatchObject({ ok: true, health: 'ok' });
    expect(imap.events).toContainEqual({ type: 'auth', user: 'loop@mail.test' });
  });

  it('revokes the grant at the provider when the account is deleted', async () => {
    const token = t.services.secrets.decrypt((await accountRow(newId)).oauth_refresh_token_enc);
    expect((await seller.delete(`/api/accounts/${newId}`)).status).toBe(200);
    await expect.poll(() => provider.revoked).toContain(token);
    await expect.poll(() => provider.liveRefreshTokens()).not.toContain(token);
  });
});
