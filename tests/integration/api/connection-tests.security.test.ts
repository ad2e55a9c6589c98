import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startHostileImap, type HostileImap } from '../../support/hostile-imap.js';
import { CONNECTION_TESTS } from '../../../server/http/rate-limits.js';

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
