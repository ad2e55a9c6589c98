import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startHostileImap, type HostileImap } from '../../support/hostile-imap.js';
import { CONNECTION_TESTS } from '../../../server/http/rate-limits.js';
import { REPLY_MAX } from '../../../server/domain/server-reply.js';
import { EmailAccountSchema } from '../../../server/db/entities/email-account.entity.js';
import { InboxSchema } from '../../../server/db/entities/inbox.entity.js';

// Each "Test" opens a connection to a server the user named and may hold it 10 s: a flood of them
// must not turn Mailroom into a connection cannon. Counted at real listeners, not at the route.

let t: TestApp;
let smtp: SMTPServer;
let imap: HostileImap;
let smtpConnections = 0;
let seller_: Client;
let colleague_: Client;
let accountId: number;
let colleagueAccountId: number;

/** Sign-ins the IMAP listener received: one per connection the check opens. */
const imapLogins = () => imap.commands.filter((c) => /^LOGIN /i.test(c)).length;

beforeAll(async () => {
  t = await initTestApp();
  smtp = new SMTPServer({
    authOptional: true, allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
    onConnect(_session, callback) {
      smtpConnections++;
      callback();
    },
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  imap = await startHostileImap();
  const sales = await t.factories.department('Sales');
  const seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@flood.test' });
  const colleague = await t.factories.user('sales_manager', sales.id, { email: 'colleague@flood.test' });
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  accountId = (await t.factories.account(seller, { smtpPort })).id;
  colleagueAccountId = (await t.factories.account(colleague, { smtpPort })).id;
  await t.factories.inbox(accountId, { port: imap.port });
  [seller_, colleague_] = await Promise.all([t.signIn('seller@flood.test'), t.signIn('colleague@flood.test')]);
});
afterAll(async () => {
  await imap?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await t?.close();
});

describe('connection tests under a flood', () => {
  it('refuses SMTP and IMAP tests past the per-user limit with 429 and Retry-After, opening no more connections', async () => {
    const flood = await Promise.all(
      Array.from({ length: CONNECTION_TESTS.points + 6 }, (_, i) => seller_.post(i % 2 ? `/api/accounts/${accountId}/test` : `/api/accounts/${accountId}/inbox/test`)),
    );
    const refused = flood.filter((r) => r.status === 429);
    expect(flood.filter((r) => r.status === 200)).toHaveLength(CONNECTION_TESTS.points);
    expect(refused).toHaveLength(6);
    for (const r of refused) {
      expect(r.body.error).toMatch(/Too many connection tests/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(smtpConnections + imapLogins()).toBe(CONNECTION_TESTS.points);

    const [smtpBefore, imapBefore] = [smtpConnections, imapLogins()];
    expect((await seller_.post(`/api/accounts/${accountId}/test`)).status).toBe(429);
    expect((await seller_.post(`/api/accounts/${accountId}/inbox/test`)).status).toBe(429);
    expect([smtpConnections, imapLogins()]).toEqual([smtpBefore, imapBefore]);
  });

  // Counted per user: one user's flood does not lock a colleague out.
  it('leaves other users their own tests', async () => {
    const before = smtpConnections;
    const res = await colleague_.post(`/api/accounts/${colleagueAccountId}/test`);
    expect(res.status).toBe(200);
    expect(smtpConnections).toBe(before + 1);
  });
});

// The server is the user's to name, so it may lie at length: a sign-in refusal of 200 KB is kept
// as its first REPLY_MAX characters in the answer, the stored health and what is pushed to every
// watcher, never whole.
describe("a lying server's reply", () => {
  const huge = `Denied ${'x'.repeat(200_000)}`;
  let liar: SMTPServer;
  let liarImap: HostileImap;

  beforeAll(async () => {
    liar = new SMTPServer({
      allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
      onAuth: (_auth, _session, callback) => callback(Object.assign(new Error(huge), { responseCode: 535 })),
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    liarImap = await startHostileImap({ refuseLogin: huge });
  });
  afterAll(async () => {
    await liarImap?.stop();
    await new Promise<void>((resolve) => (liar ? liar.close(() => resolve()) : resolve()));
  });

  it('keeps a bounded part of a huge sign-in refusal, from SMTP and IMAP alike', async () => {
    const sales = await t.factories.department('Lied to');
    const owner = await t.factories.user('sales_manager', sales.id, { email: 'lied-to@flood.test' });
    const account = await t.factories.account(owner, { smtpPort: (liar.server.address() as AddressInfo).port });
    await t.factories.inbox(account.id, { port: liarImap.port });
    const api = await t.signIn('lied-to@flood.test');
    const events: { type: string; detail: unknown }[] = [];
    const off = t.services.events.on((e) => (e.type === 'account.health' || e.type === 'inbox.health') && events.push({ type: e.type, detail: e.detail }));
    try {
      const smtpTest = await api.post(`/api/accounts/${account.id}/test`);
      const imapTest = await api.post(`/api/accounts/${account.id}/inbox/test`);
      for (const res of [smtpTest, imapTest]) {
        expect(res.status).toBe(200);
        const body = res.body as { health: string; detail: { code: string; reply: string } };
        expect(body.health).toBe('auth_failed');
        expect(body.detail.code).toBe('sign_in_refused');
        expect(body.detail.reply).toContain('Denied xxx');
        expect(body.detail.reply.length).toBeLessThanOrEqual(REPLY_MAX);
      }
      const em = t.services.orm.em.fork();
      const stored = [(await em.findOneOrFail(EmailAccountSchema, account.id)).healthDetail, (await em.findOneOrFail(InboxSchema, { account: account.id })).healthDetail];
      const pushed = events.map((e) => e.detail);
      expect(pushed).toHaveLength(2);
      for (const detail of [...stored, ...pushed]) expect(JSON.stringify(detail).length).toBeLessThan(REPLY_MAX + 200);
    } finally {
      off();
    }
  });
});
