import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startSmtpSink } from '../../support/smtp-sink/index.js';
import type { User } from '../../../server/db/entities/user.entity.js';
import type { DomainEvent } from '../../../server/domain/events.js';

const SMTP_USER = 'ann@smtp.test';
const SMTP_PASSWORD = 'S3cret-smtp-pass!';

let t: TestApp;
let smtp: SMTPServer;
let smtpPort: number;
let closedPort: number;
let seller: User;
let colleague: User;
let outsider: User;
let seller_: Client;
let lead_: Client;
let outsider_: Client;
let admin_: Client;
const events: DomainEvent[] = [];

/** A real SMTP server that accepts exactly one user name and password. */
async function startSmtp(): Promise<SMTPServer> {
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accountInput = (over: Record<string, unknown> = {}) => ({
  name: 'Main mailbox',
  fromName: 'Ann Seller',
  fromEmail: 'Ann@Crm.test',
  smtpHost: '127.0.0.1',
  smtpPort,
  smtpSecurity: 'none',
  smtpUser: SMTP_USER,
  password: SMTP_PASSWORD,
  ...over,
});

async function storedSecret(id: number): Promise<string> {
  const rows: { smtp_password_enc: string }[] = await t.services.orm.em.getConnection().execute('select smtp_password_enc from email_accounts where id = ?', [id]);
  return rows[0].smtp_password_enc;
}

beforeAll(async () => {
  t = await initTestApp();
  t.services.events.on((e) => events.push(e));
  smtp = await startSmtp();
  smtpPort = (smtp.server.address() as AddressInfo).port;
  closedPort = await freePort();
  const sales = await t.factories.department('Sales');
  const support = await t.factories.department('Support');
  await t.factories.user('admin', null, { email: 'admin@acc.test' });
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@acc.test', name: 'Ann Seller' });
  colleague = await t.factories.user('sales_manager', sales.id, { email: 'colleague@acc.test' });
  await t.factories.user('team_lead', sales.id, { email: 'lead@acc.test' });
  outsider = await t.factories.user('sales_manager', support.id, { email: 'outsider@acc.test' });
  [seller_, lead_, outsider_, admin_] = await Promise.all(['seller', 'lead', 'outsider', 'admin'].map((n) => t.signIn(`${n}@acc.test`)));
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await t.close();
});

describe('email accounts', () => {
  // The SMTP password is a secret: encrypted at rest and never sent back to any browser.
  it('stores the password only encrypted and never returns it', async () => {
    const res = await seller_.post('/api/accounts', accountInput());
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      ownerId: seller.id, ownerName: 'Ann Seller', fromEmail: 'ann@crm.test', hasPassword: true,
      main: false, massMailEnabled: true, dailyLimit: 94, timeZone: null, health: 'unknown', healthCheckedAt: null,
    });
    expect(res.text).not.toContain(SMTP_PASSWORD);
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('smtpPasswordEnc');

    const sealed = await storedSecret(res.body.id);
    expect(sealed).not.toContain(SMTP_PASSWORD);
    expect(t.services.secrets.decrypt(sealed)).toBe(SMTP_PASSWORD);

    for (const path of ['/api/accounts', `/api/accounts/${res.body.id}`]) {
      const read = await seller_.get(path);
      expect(read.status).toBe(200);
      expect(read.text).not.toContain(SMTP_PASSWORD);
      expect(read.text).not.toContain(sealed);
    }
  });

  it('keeps the stored password when a change omits it and replaces it when given', async () => {
    const { body } = await seller_.post('/api/accounts', accountInput({ name: 'Second' }));
    const before = await storedSecret(body.id);
    const renamed = await seller_.patch(`/api/accounts/${body.id}`, { name: 'Renamed', dailyLimit: 50, timeZone: 'Europe/Paris' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', dailyLimit: 50, timeZone: 'Europe/Paris' });
    expect(await storedSecret(body.id)).toBe(before);

    const changed = await seller_.patch(`/api/accounts/${body.id}`, { password: 'another-password' });
    expect(changed.text).not.toContain('another-password');
    expect(t.services.secrets.decrypt(await storedSecret(body.id))).toBe('another-password');
  });

  it('signs in to the real SMTP server: ok, auth_failed, unreachable, each recorded', async () => {
    const good = await seller_.post('/api/accounts', accountInput({ name: 'Good' }));
    const ok = await seller_.post(`/api/accounts/${good.body.id}/test`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, health: 'ok' });
    const afterOk = await seller_.get(`/api/accounts/${good.body.id}`);
    expect(afterOk.body).toMatchObject({ health: 'ok', healthReason: null });
    expect(afterOk.body.healthCheckedAt).toEqual(expect.any(String));

    const wrong = await seller_.post('/api/accounts', accountInput({ name: 'Wrong', password: 'not-the-password' }));
    const refused = await seller_.post(`/api/accounts/${wrong.body.id}/test`);
    expect(refused.body).toMatchObject({ ok: false, health: 'auth_failed' });
    expect(refused.body.message).toMatch(/refused the sign-in for ann@smtp.test: 535/);
    expect(refused.text).not.toContain('not-the-password');
    // Stored and pushed as values the UI words, the server's reply verbatim among them.
    const refusal = { code: 'sign_in_refused', where: expect.stringMatching(/:\d+$/), user: 'ann@smtp.test', reply: expect.stringMatching(/^535 /) };
    expect(refused.body.detail).toEqual(refusal);
    expect(refused.body.message).toBe(`${refused.body.detail.where} refused the sign-in for ann@smtp.test: ${refused.body.detail.reply}`);
    expect((await seller_.get(`/api/accounts/${wrong.body.id}`)).body).toMatchObject({ health: 'auth_failed', healthReason: refused.body.message, healthDetail: refusal });
    expect(events.filter((e) => e.type === 'account.health' && e.accountId === wrong.body.id)).toEqual([expect.objectContaining({ health: 'auth_failed', reason: refused.body.message, detail: refused.body.detail })]);

    const closed = await seller_.post('/api/accounts', accountInput({ name: 'Closed', smtpPort: closedPort }));
    const unreachable = await seller_.post(`/api/accounts/${closed.body.id}/test`);
    expect(unreachable.body).toMatchObject({ ok: false, health: 'unreachable' });
    expect(unreachable.body.message).toContain(`127.0.0.1:${closedPort}`);
    expect(unreachable.body.detail).toMatchObject({ code: 'unreachable', where: `127.0.0.1:${closedPort}`, reply: expect.stringContaining('ECONNREFUSED') });
    expect((await seller_.get(`/api/accounts/${closed.body.id}`)).body.healthDetail).toEqual(unreachable.body.detail);
  });

  // A stale "ok" must not outlive a change of server or credentials.
  it('forgets the health when SMTP settings change', async () => {
    const { body } = await seller_.post('/api/accounts', accountInput({ name: 'Checked' }));
    await seller_.post(`/api/accounts/${body.id}/test`);
    expect((await seller_.patch(`/api/accounts/${body.id}`, { fromName: 'Ann S.' })).body.health).toBe('ok');
    const moved = await seller_.patch(`/api/accounts/${body.id}`, { smtpPort: closedPort, password: SMTP_PASSWORD });
    expect(moved.body).toMatchObject({ health: 'unknown', healthCheckedAt: null });
  });

  // A stored password goes only to the server it was given for: pointing the account at another
  // host, port, security or login needs the password again, so "Test connection" can never carry
  // the stored one to a server of the owner's choosing.
  it('asks for the password again when the SMTP server or login changes, and never sends the stored one elsewhere', async () => {
    const other = await startSmtpSink();
    try {
      const { body } = await seller_.post('/api/accounts', accountInput({ name: 'Redirected' }));
      const before = await storedSecret(body.id);
      for (const change of [{ smtpPort: other.port }, { smtpHost: 'localhost' }, { smtpSecurity: 'tls' }, { smtpUser: 'someone@else.test' }]) {
        const refused = await seller_.patch(`/api/accounts/${body.id}`, change);
        expect([change, refused.status]).toEqual([change, 422]);
        expect(refused.body.error).toMatch(/^password: /);
      }
      // Nothing changed, and the test still signs in where the password was meant to go.
      expect((await seller_.get(`/api/accounts/${body.id}`)).body).toMatchObject({ smtpHost: '127.0.0.1', smtpPort, smtpSecurity: 'none', smtpUser: SMTP_USER });
      expect(await storedSecret(body.id)).toBe(before);
      expect((await seller_.post(`/api/accounts/${body.id}/test`)).body.ok).toBe(true);
      // Unchanged values (a form sends them all back) need no password.
      expect((await seller_.patch(`/api/accounts/${body.id}`, { smtpHost: '127.0.0.1', smtpPort, fromName: 'Ann S.' })).status).toBe(200);

      const moved = await seller_.patch(`/api/accounts/${body.id}`, { smtpPort: other.port, smtpUser: 'new@other.test', password: 'the-new-password' });
      expect(moved.status, moved.text).toBe(200);
      expect((await seller_.post(`/api/accounts/${body.id}/test`)).body.ok).toBe(true);
      const auths = other.events().filter((e) => e.type === 'auth');
      expect(auths).toEqual([expect.objectContaining({ user: 'new@other.test', password: 'the-new-password' })]);
      expect(JSON.stringify(other.events())).not.toContain(SMTP_PASSWORD);
    } finally {
      await other.stop();
    }
  });

  // The DKIM key signs only for the domain and selector it was given with.
  it('asks for the DKIM key again when its domain or selector changes', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = (generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const { body } = await seller_.post('/api/accounts', accountInput({ name: 'Signed', dkimDomain: 'crm.test', dkimSelector: 's1', dkimPrivateKey: pem }));
    for (const change of [{ dkimDomain: 'elsewhere.test' }, { dkimSelector: 's2' }]) {
      const refused = await seller_.patch(`/api/accounts/${body.id}`, change);
      expect([change, refused.status]).toEqual([change, 422]);
      expect(refused.body.error).toMatch(/^dkimPrivateKey: /);
    }
    expect((await seller_.get(`/api/accounts/${body.id}`)).body).toMatchObject({ dkimDomain: 'crm.test', dkimSelector: 's1', hasDkimKey: true });
    expect((await seller_.patch(`/api/accounts/${body.id}`, { dkimDomain: 'elsewhere.test', dkimPrivateKey: pem })).body).toMatchObject({ dkimDomain: 'elsewhere.test', hasDkimKey: true });
    expect((await seller_.patch(`/api/accounts/${body.id}`, { dkimDomain: null, dkimSelector: null, dkimPrivateKey: null })).body).toMatchObject({ dkimDomain: null, hasDkimKey: false });
  });

  it('refuses malformed input with 400', async () => {
    const { password: _omitted, ...withoutPassword } = accountInput();
    for (const bad of [
      withoutPassword,
      accountInput({ smtpPort: 0 }),
      accountInput({ smtpPort: 65536 }),
      accountInput({ smtpSecurity: 'ssl' }),
      accountInput({ dailyLimit: 0 }),
      accountInput({ dailyLimit: 10_001 }),
      accountInput({ timeZone: 'Nowhere/Town' }),
      accountInput({ fromEmail: 'nope' }),
      accountInput({ smtpHost: 'bad host' }),
      accountInput({ verbose: true }),
    ]) {
      const res = await seller_.post('/api/accounts', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await seller_.patch('/api/accounts/1', { password: '' })).status).toBe(400);
  });

  it('scopes accounts to the department and changes to the owner or an admin', async () => {
    const { body } = await seller_.post('/api/accounts', accountInput({ name: 'Scoped' }));
    expect((await outsider_.get(`/api/accounts/${body.id}`)).status).toBe(404);
    expect((await outsider_.patch(`/api/accounts/${body.id}`, { name: 'x' })).status).toBe(404);
    const outsiderList = await outsider_.get('/api/accounts');
    expect(outsiderList.body.items.map((a: { id: number }) => a.id)).not.toContain(body.id);

    expect((await lead_.get(`/api/accounts/${body.id}`)).status).toBe(200);
    expect((await lead_.patch(`/api/accounts/${body.id}`, { name: 'x' })).status).toBe(403);
    expect((await lead_.post(`/api/accounts/${body.id}/test`)).status).toBe(403);
    expect((await lead_.delete(`/api/accounts/${body.id}`)).status).toBe(403);
    expect((await admin_.patch(`/api/accounts/${body.id}`, { name: 'By admin' })).status).toBe(200);
  });

  it('assigns other owners only for admins, and filters lists', async () => {
    expect((await seller_.post('/api/accounts', accountInput({ ownerId: colleague.id }))).status).toBe(403);
    const forOutsider = await admin_.post('/api/accounts', accountInput({ ownerId: outsider.id, name: 'Outsider box', dailyLimit: 10 }));
    expect(forOutsider.status).toBe(201);
    expect(forOutsider.body).toMatchObject({ ownerId: outsider.id, departmentId: outsider.department!.id, dailyLimit: 10 });

    const filtered = await admin_.get(`/api/accounts?ownerId=${outsider.id}`);
    expect(filtered.body.items.map((a: { name: string }) => a.name)).toEqual(['Outsider box']);
    const searched = await seller_.get('/api/accounts?q=renamed');
    expect(searched.body.items.map((a: { name: string }) => a.name)).toEqual(['Renamed']);
    expect((await seller_.get('/api/accounts?ownerId=abc')).status).toBe(400);
  });

  it('deletes an account of the owner', async () => {
    const { body } = await seller_.post('/api/accounts', accountInput({ name: 'Doomed' }));
    expect((await seller_.delete(`/api/accounts/${body.id}`)).status).toBe(200);
    expect((await seller_.get(`/api/accounts/${body.id}`)).status).toBe(404);
  });
});
