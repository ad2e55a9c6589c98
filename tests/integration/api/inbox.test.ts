import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { startHostileImap } from '../../support/hostile-imap.js';
import { closedPortInRange } from '../../support/imap-ports.js';
import { InboxCursorSchema, InboxSchema, type User } from '../../../server/db/entities/index.js';
import type { DomainEvent } from '../../../server/domain/events.js';

const IMAP_USER = 'ann@imap.test';
const IMAP_PASSWORD = 'S3cret-imap-pass!';

let t: TestApp;
let dovecot: Dovecot;
let closedPort: number;
let seller: User;
let seller_: Client;
let lead_: Client;
let outsider_: Client;
let admin_: Client;
const events: DomainEvent[] = [];

const inboxInput = (over: Record<string, unknown> = {}) => ({
  host: '127.0.0.1', port: dovecot.port, security: 'none', user: IMAP_USER, password: IMAP_PASSWORD, ...over,
});
const newAccount = async (over: Record<string, unknown> = {}) => (await t.factories.account(seller, over)).id;

async function stored(accountId: number) {
  const rows: { password_enc: string; health: string; last_read_at: unknown }[] = await t.services.orm.em
    .getConnection()
    .execute('select password_enc, health, last_read_at from inboxes where account_id = ?', [accountId]);
  return rows[0];
}

beforeAll(async () => {
  t = await initTestApp();
  t.services.events.on((e) => events.push(e));
  dovecot = await startDovecot({ [IMAP_USER]: IMAP_PASSWORD, 'bob@imap.test': 'bob-imap-pass' });
  closedPort = await closedPortInRange();
  const sales = await t.factories.department('Sales');
  const support = await t.factories.department('Support');
  await t.factories.user('admin', null, { email: 'admin@inbox.test' });
  seller = await t.factories.user('sales_manager', sales.id, { email: 'seller@inbox.test' });
  await t.factories.user('team_lead', sales.id, { email: 'lead@inbox.test' });
  await t.factories.user('sales_manager', support.id, { email: 'outsider@inbox.test' });
  [seller_, lead_, outsider_, admin_] = await Promise.all(['seller', 'lead', 'outsider', 'admin'].map((n) => t.signIn(`${n}@inbox.test`)));
});
afterAll(async () => {
  await dovecot?.stop();
  await t?.close();
});

describe('incoming settings of an account', () => {
  // An account without an inbox sends as before, and says its bounces and replies are not read.
  it('has none until they are set: 404 and a null inbox on the account', async () => {
    const id = await newAccount();
    const res = await seller_.get(`/api/accounts/${id}/inbox`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect((await seller_.get(`/api/accounts/${id}`)).body.inbox).toBeNull();
  });

  // The IMAP password is a secret: encrypted at rest and never sent back, not even as ciphertext.
  it('stores the password only encrypted and never returns it', async () => {
    const id = await newAccount();
    const res = await seller_.put(`/api/accounts/${id}/inbox`, inboxInput());
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      accountId: id, kind: 'imap', host: '127.0.0.1', port: dovecot.port, security: 'none', user: IMAP_USER, hasPassword: true,
      folders: ['INBOX'], bounceFolder: null, health: 'unknown', healthReason: null, healthDetail: null, healthCheckedAt: null, lastReadAt: null, createdAt: expect.any(String),
    });
    const sealed = (await stored(id)).password_enc;
    expect(sealed).not.toContain(IMAP_PASSWORD);
    expect(t.services.secrets.decrypt(sealed)).toBe(IMAP_PASSWORD);
    for (const path of [`/api/accounts/${id}/inbox`, `/api/accounts/${id}`, '/api/accounts?pageSize=500']) {
      const read = await seller_.get(path);
      expect(read.status).toBe(200);
      for (const secret of [IMAP_PASSWORD, sealed, 'passwordEnc', 'password_enc']) expect(read.text, `${path} leaks ${secret}`).not.toContain(secret);
    }
    expect(res.text).not.toContain(IMAP_PASSWORD);
  });

  it('shows the incoming side on the account, in the list too', async () => {
    const id = await newAccount();
    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput({ folders: ['INBOX', 'Junk'] }));
    const summary = { kind: 'imap', health: 'unknown', healthReason: null, healthDetail: null, healthCheckedAt: null, lastReadAt: null, folders: ['INBOX', 'Junk'] };
    expect((await seller_.get(`/api/accounts/${id}`)).body.inbox).toEqual(summary);
    const list = (await seller_.get('/api/accounts?pageSize=500')).body.items as { id: number; inbox: unknown }[];
    expect(list.find((a) => a.id === id)?.inbox).toEqual(summary);
  });

  // "Test" signs in to the real server, opens every folder, and keeps the verdict on the inbox.
  it('tests the sign-in against the real IMAP server and records ok, auth_failed, folder_missing and unreachable', async () => {
    await dovecot.createFolder(IMAP_USER, 'Bounces');
    const id = await newAccount();
    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput({ bounceFolder: 'Bounces' }));
    const ok = await seller_.post(`/api/accounts/${id}/inbox/test`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual({ ok: true, health: 'ok', message: `Signed in to 127.0.0.1:${dovecot.port} as ${IMAP_USER} and opened INBOX, Bounces`, detail: null });
    const after = (await seller_.get(`/api/accounts/${id}/inbox`)).body;
    expect(after).toMatchObject({ health: 'ok', healthReason: null, healthCheckedAt: expect.any(String) });
    expect((await seller_.get(`/api/accounts/${id}`)).body.inbox).toMatchObject({ health: 'ok' });
    expect(events.filter((e) => e.type === 'inbox.health' && e.accountId === id)).toEqual([expect.objectContaining({ health: 'ok', ownerId: seller.id, departmentId: seller.department!.id })]);

    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput({ password: 'not-the-password' }));
    const refused = await seller_.post(`/api/accounts/${id}/inbox/test`);
    expect(refused.body).toMatchObject({ ok: false, health: 'auth_failed' });
    expect(refused.body.message).toBe(`127.0.0.1:${dovecot.port} refused the sign-in for ${IMAP_USER}: [AUTHENTICATIONFAILED] Authentication failed.`);
    expect(refused.text).not.toContain('not-the-password');
    // Stored and pushed as values the UI words, the server's reply verbatim among them.
    const refusal = { code: 'sign_in_refused', where: `127.0.0.1:${dovecot.port}`, user: IMAP_USER, reply: '[AUTHENTICATIONFAILED] Authentication failed.' };
    expect(refused.body.detail).toEqual(refusal);
    expect((await seller_.get(`/api/accounts/${id}/inbox`)).body).toMatchObject({ health: 'auth_failed', healthReason: refused.body.message, healthDetail: refusal });
    expect(events.filter((e) => e.type === 'inbox.health' && e.accountId === id).at(-1)).toMatchObject({ health: 'auth_failed', reason: refused.body.message, detail: refusal });

    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput({ folders: ['INBOX', 'Replies'] }));
    const missing = await seller_.post(`/api/accounts/${id}/inbox/test`);
    const noFolder = { code: 'folder_missing', where: `127.0.0.1:${dovecot.port}`, folder: 'Replies', reply: null };
    expect(missing.body).toEqual({ ok: false, health: 'folder_missing', message: `Folder "Replies" on 127.0.0.1:${dovecot.port} does not exist`, detail: noFolder });
    expect((await seller_.get(`/api/accounts/${id}/inbox`)).body.healthDetail).toEqual(noFolder);

    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput({ port: closedPort }));
    const unreachable = await seller_.post(`/api/accounts/${id}/inbox/test`);
    expect(unreachable.body).toMatchObject({ ok: false, health: 'unreachable' });
    expect(unreachable.body.message).toContain(`Could not talk to 127.0.0.1:${closedPort}`);
    expect(unreachable.body.detail).toMatchObject({ code: 'unreachable', where: `127.0.0.1:${closedPort}` });
  });

  // A stale "ok" must not outlive a change; the same values sent back are no change.
  it('forgets the health when the settings change, not when they are sent back unchanged', async () => {
    const id = await newAccount();
    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput());
    await seller_.post(`/api/accounts/${id}/inbox/test`);
    const { password: _kept, ...same } = inboxInput();
    expect((await seller_.put(`/api/accounts/${id}/inbox`, same)).body.health).toBe('ok');
    for (const change of [{ folders: ['INBOX', 'Spam'] }, { bounceFolder: 'Bounces' }, { password: IMAP_PASSWORD }]) {
      await seller_.post(`/api/accounts/${id}/inbox/test`);
      await seller_.put(`/api/accounts/${id}/inbox`, same);
      const changed = await seller_.put(`/api/accounts/${id}/inbox`, { ...same, ...change });
      expect([change, changed.status, changed.body.health, changed.body.healthCheckedAt]).toEqual([change, 200, 'unknown', null]);
    }
  });

  // The cursors count UIDs of one mailbox: another mailbox starts afresh, another folder list does not.
  it('forgets how far it read when it points at another mailbox', async () => {
    const id = await newAccount();
    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput());
    const { createdAt } = (await seller_.get(`/api/accounts/${id}/inbox`)).body;
    const em = t.services.orm.em.fork();
    const inbox = await em.findOneOrFail(InboxSchema, { account: id });
    em.create(InboxCursorSchema, { inbox, folder: 'INBOX', uidValidity: 7, nextUid: 42 });
    em.assign(inbox, { lastReadAt: new Date() });
    await em.flush();
    const cursors = () => t.services.orm.em.fork().count(InboxCursorSchema, { inbox: inbox.id });

    await seller_.put(`/api/accounts/${id}/inbox`, { ...inboxInput(), folders: ['INBOX', 'Junk'], security: 'none' });
    expect(await cursors()).toBe(1);
    expect((await stored(id)).last_read_at).not.toBeNull();

    const moved = await seller_.put(`/api/accounts/${id}/inbox`, inboxInput({ user: 'bob@imap.test', password: 'bob-imap-pass' }));
    expect(moved.status, moved.text).toBe(200);
    expect(await cursors()).toBe(0);
    expect(moved.body).toMatchObject({ lastReadAt: null, createdAt });
  });

  // A stored password goes only to the server it was given for: pointing the inbox at another
  // host, port, security or login needs the password again, so "Test" can never carry the stored
  // one to a server of the owner's choosing.
  it('asks for the password again when the IMAP server or login changes, and never sends the stored one elsewhere', async () => {
    const hostile = await startHostileImap();
    try {
      const id = await newAccount();
      await seller_.put(`/api/accounts/${id}/inbox`, inboxInput());
      const before = await seller_.get(`/api/accounts/${id}/inbox`);
      const sealed = (await stored(id)).password_enc;
      const { password: _omitted, ...target } = inboxInput();
      for (const change of [{ port: hostile.port }, { host: 'localhost' }, { security: 'tls' }, { user: 'someone@else.test' }]) {
        const refused = await seller_.put(`/api/accounts/${id}/inbox`, { ...target, ...change });
        expect([change, refused.status, refused.body.field]).toEqual([change, 422, 'password']);
        expect(refused.body.error).toMatch(/^password: changing .* needs the IMAP password again/);
      }
      // Nothing changed, and the test still signs in where the password was meant to go.
      expect((await seller_.get(`/api/accounts/${id}/inbox`)).body).toEqual(before.body);
      expect((await stored(id)).password_enc).toBe(sealed);
      expect((await seller_.post(`/api/accounts/${id}/inbox/test`)).body.ok).toBe(true);
      expect(hostile.commands).toEqual([]);

      const moved = await seller_.put(`/api/accounts/${id}/inbox`, { ...target, port: hostile.port, user: 'new@other.test', password: 'the-new-password' });
      expect(moved.status, moved.text).toBe(200);
      expect((await seller_.post(`/api/accounts/${id}/inbox/test`)).body.ok).toBe(true);
      expect(hostile.commands.filter((c) => /^LOGIN /i.test(c))).toEqual(['LOGIN "new@other.test" "the-new-password"']);
      expect(hostile.commands.join('\n')).not.toContain(IMAP_PASSWORD);
    } finally {
      await hostile.stop();
    }
  });

  it('refuses the demo kind and malformed settings with 400, changing nothing', async () => {
    const id = await newAccount();
    const { password: _omitted, ...withoutPassword } = inboxInput();
    for (const bad of [
      inboxInput({ kind: 'sink' }),
      withoutPassword,
      inboxInput({ folders: [] }),
      inboxInput({ folders: Array.from({ length: 11 }, (_, i) => `F${i}`) }),
      inboxInput({ folders: ['INBOX', 'INBOX'] }),
      inboxInput({ folders: ['x'.repeat(201)] }),
      inboxInput({ folders: [''] }),
      inboxInput({ folders: ['Bad\u0007Name'] }),
      inboxInput({ bounceFolder: 'INBOX' }),
      inboxInput({ bounceFolder: 'Line\nBreak' }),
      inboxInput({ port: 0 }),
      inboxInput({ security: 'ssl' }),
      inboxInput({ host: 'bad host' }),
      inboxInput({ passwordEnc: 'v1:forged' }),
      inboxInput({ password: '' }),
    ]) {
      const res = await seller_.put(`/api/accounts/${id}/inbox`, bad);
      expect([JSON.stringify(bad).slice(0, 80), res.status]).toEqual([JSON.stringify(bad).slice(0, 80), 400]);
    }
    expect((await seller_.put(`/api/accounts/${id}/inbox`, withoutPassword)).body.field).toBe('password');
    expect((await seller_.get(`/api/accounts/${id}/inbox`)).status).toBe(404);
  });

  // The account's own rights: another department's user finds nothing, a colleague's lead may look only.
  it('is seen and changed under the account’s rights; another department gets 404', async () => {
    const id = await newAccount();
    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput());
    const before = await stored(id);
    for (const res of [
      await outsider_.get(`/api/accounts/${id}/inbox`),
      await outsider_.put(`/api/accounts/${id}/inbox`, inboxInput({ host: 'imap.evil.test' })),
      await outsider_.post(`/api/accounts/${id}/inbox/test`),
      await outsider_.delete(`/api/accounts/${id}/inbox`),
      await outsider_.get(`/api/accounts/${id}/inbox/preset`),
    ]) expect(res.status).toBe(404);
    expect((await lead_.get(`/api/accounts/${id}/inbox`)).status).toBe(200);
    expect((await lead_.put(`/api/accounts/${id}/inbox`, inboxInput())).status).toBe(403);
    expect((await lead_.post(`/api/accounts/${id}/inbox/test`)).status).toBe(403);
    expect((await lead_.delete(`/api/accounts/${id}/inbox`)).status).toBe(403);
    expect(await stored(id)).toEqual(before);
    expect((await admin_.put(`/api/accounts/${id}/inbox`, inboxInput({ folders: ['INBOX', 'Junk'] }))).status).toBe(200);
  });

  it('deletes the incoming settings, and the account no longer reads its mail', async () => {
    const id = await newAccount();
    await seller_.put(`/api/accounts/${id}/inbox`, inboxInput());
    expect((await seller_.delete(`/api/accounts/${id}/inbox`)).body).toEqual({ ok: true });
    expect((await seller_.get(`/api/accounts/${id}/inbox`)).status).toBe(404);
    expect((await seller_.get(`/api/accounts/${id}`)).body.inbox).toBeNull();
    expect((await seller_.delete(`/api/accounts/${id}/inbox`)).status).toBe(404);
    expect((await seller_.post(`/api/accounts/${id}/inbox/test`)).status).toBe(404);
  });

  // The demo accounts' inbox is the development sink's: nothing to sign in to.
  it('refuses to test a demo inbox', async () => {
    const id = await newAccount();
    await t.factories.inbox(id, { kind: 'sink' });
    const res = await seller_.post(`/api/accounts/${id}/inbox/test`);
    expect(res.status).toBe(422);
    // Turning it into a real mailbox needs a real password.
    expect((await seller_.put(`/api/accounts/${id}/inbox`, { ...inboxInput(), password: undefined })).body.field).toBe('password');
  });
});

describe('provider presets', () => {
  it('finds the IMAP settings by SMTP host first, then by address, else none', async () => {
    const m365 = await newAccount({ smtpHost: 'smtp.office365.com', smtpUser: 'ann@company.test', fromEmail: 'ann@company.test' });
    expect((await seller_.get(`/api/accounts/${m365}/inbox/preset`)).body).toEqual({
      preset: { provider: { id: 'microsoft365', name: 'Microsoft 365' }, host: 'outlook.office365.com', port: 993, security: 'tls', user: 'ann@company.test' },
    });
    const gmail = await newAccount({ smtpHost: 'mail.relay.test', smtpUser: 'ann@gmail.com', fromEmail: 'ann@gmail.com' });
    expect((await seller_.get(`/api/accounts/${gmail}/inbox/preset`)).body.preset).toMatchObject({ provider: { id: 'gmail' }, host: 'imap.gmail.com' });
    const unknown = await newAccount({ smtpHost: 'mail.company.test', smtpUser: 'ann', fromEmail: 'ann@company.test' });
    expect((await lead_.get(`/api/accounts/${unknown}/inbox/preset`)).body).toEqual({ preset: null });
  });
});
