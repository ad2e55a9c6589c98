import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { TestOAuthProvider } from '../../support/oauth-provider.js';
import { XOAuth2Server } from '../../support/xoauth2-server.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { oauthGrantRepository } from '../../../server/db/repositories/oauth-grant.repository.js';
import { EmailAccountSchema, MailingRecipientSchema } from '../../../server/db/entities/index.js';
import { AccountCredentials } from '../../../server/mail/account-credentials.js';
import { AccessTokens } from '../../../server/mail/access-tokens.js';
import { TransportPool } from '../../../server/mail/transport.js';

const SCOPE = 'https://mail.google.com/';

let t: TestApp;
const provider = new TestOAuthProvider(15520);
let smtp: XOAuth2Server;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  await provider.start();
  smtp = new XOAuth2Server('smtp', 15521, provider.issuer, SCOPE);
  [t] = await Promise.all([initTestApp(), smtp.start()]);
  await alwaysOpen(t);
  const em = t.services.orm.em.fork();
  const settings = await settingsRepository.get(em, '');
  Object.assign(settings, { googleClientId: 'mailroom-client', googleClientSecretEnc: t.services.secrets.encrypt('client-secret') });
  await em.flush();
});
afterAll(async () => {
  await smtp.stop();
  await provider.stop();
  await t.close();
});

/** The engine as boot.ts builds it, its access tokens from the test provider (tokens live in real time). */
const engineWithOAuth = () => {
  const { secrets } = t.services;
  return testEngine(t, clock, { credentials: new AccountCredentials(secrets, new AccessTokens({ secrets, now: () => new Date(), issuers: { google: provider.issuer } })) });
};

/** A sales manager with Google-connected accounts on the XOAUTH2 server (their access tokens expired), and an active mailing. */
async function setup(users: string[], companies: string[]) {
  const dept = await t.factories.department();
  const owner = await t.factories.user('sales_manager', dept.id);
  const accounts = [];
  for (const user of users) {
    const account = await t.factories.account(owner, { smtpPort: smtp.port, smtpUser: user, fromEmail: user, dailyLimit: 10_000 });
    await oauthGrantRepository.connect(t.services.orm.em.fork(), account.id, {
      provider: 'google', refreshTokenEnc: t.services.secrets.encrypt(provider.issueGrant(user, SCOPE)),
      accessTokenEnc: t.services.secrets.encrypt('expired'), accessExpiresAt: new Date(Date.now() - 1000),
    });
    accounts.push(account);
  }
  const ids = [];
  for (const email of companies) ids.push((await t.factories.company(owner, { email })).id);
  const message = await t.factories.message(owner, { html: '<p>Hello {{ name }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>' });
  const em = t.services.orm.em.fork();
  const actor = { id: owner.id, role: 'sales_manager' as const, departmentId: dept.id };
  const { mailings } = await createMailings(em, actor, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
  return { mailing: mailings[0], accounts };
}

const rows = async (mailingId: number) => t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } });

describe('OAuth mailboxes sending through an SMTP server that checks XOAUTH2 tokens against the provider', () => {
  // The server is no pushover: a token it cannot verify with the provider's keys is refused, as
  // the mailbox's own refusal (so the sends below prove the tokens were genuine).
  it('refuses a token not signed by the provider', async () => {
    const pool = new TransportPool({ timeoutMs: 5000 });
    const account = { id: 1, smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecurity: 'none' as const, smtpUser: 'eve@mail.test', smtpPasswordEnc: '' };
    const outcome = await pool.send(account, { kind: 'oauth2', accessToken: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJldmVAbWFpbC50ZXN0In0.' }, { from: 'eve@mail.test', to: 'x@y.test', subject: 'x', text: 'x' });
    pool.closeAll();
    expect(outcome).toMatchObject({ kind: 'account', code: 535 });
  });

  // Connected account, expired access token: refreshed once, then every message goes out over XOAUTH2.
  it('refreshes the access token and sends every recipient with XOAUTH2', async () => {
    const before = provider.refreshRequests;
    const { mailing, accounts } = await setup(['anna@mail.test'], ['a@x.test', 'b@x.test', 'c@x.test']);
    const engine = engineWithOAuth();
    await engine.run(accounts[0].id);
    await engine.close();
    expect((await rows(mailing.id)).map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
    expect(provider.refreshRequests - before).toBe(1);
    expect(smtp.events.filter((e) => e.type === 'accepted' && e.user === 'anna@mail.test').flatMap((e) => e.to)).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
  });

  // The user revoked Mailroom's access: the account turns red with the reason (never a silent
  // failure), nothing goes out through it, and its recipients move to the owner's healthy account.
  it('turns an account with a revoked grant red and moves its recipients to a healthy account', async () => {
    const { mailing, accounts } = await setup(['revoked@mail.test', 'healthy@mail.test'], ['p@z.test', 'q@z.test']);
    const [revoked, healthy] = accounts;
    provider.revokeUser('revoked@mail.test');
    const engine = engineWithOAuth();
    expect(await engine.runOnce(revoked.id)).toBeNull();
    const account = await t.services.orm.em.fork().findOneOrFail(EmailAccountSchema, { id: revoked.id });
    expect(account.health).toBe('auth_failed');
    expect(account.healthReason).toMatch(/reconnect the account.*invalid_grant/);
    expect(account.healthDetail).toMatchObject({ code: 'oauth_refused', grant: { cause: 'refused', reply: expect.stringMatching(/^invalid_grant/) } });
    expect((await rows(mailing.id)).map((r) => [r.account?.id, r.state])).toEqual([[healthy.id, 'pending'], [healthy.id, 'pending']]);
    expect(engine.events.some((e) => e.type === 'account.health' && e.accountId === revoked.id && e.health === 'auth_failed')).toBe(true);
    await engine.run(healthy.id);
    await engine.close();
    expect((await rows(mailing.id)).map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(smtp.events.some((e) => e.user === 'revoked@mail.test')).toBe(false);
  });
});
