import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImapMailboxes, IMAP_LIMITS, imapMailboxes } from '../../server/mail/imap-mailbox.js';
import { checkImapLogin } from '../../server/mail/imap-check.js';
import type { MailboxSession } from '../../server/engine/ports.js';
import { MailboxError } from '../../server/domain/inbox.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';
import { startHostileImap, type FetchBehaviour, type HostileImap } from '../support/hostile-imap.js';
import { closedPortInRange, listenInRange } from '../support/imap-ports.js';

const PASSWORD = 'ann-imap-password';
let dovecot: Dovecot;
const sessions: MailboxSession[] = [];
const hostiles: HostileImap[] = [];
/** Rejections and exceptions nobody handled: the IMAP side must leave none, whatever the server does. */
const escaped: unknown[] = [];
const onEscape = (err: unknown) => escaped.push(err);

const login = (user: string, over: Partial<{ port: number; host: string }> = {}) => ({
  kind: 'imap' as const, accountId: 1, host: '127.0.0.1', port: dovecot.port, security: 'none' as const, user, ...over,
});
const message = (subject: string, body = 'Hello') => `From: sender@example.test\r\nTo: ann@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\n${body}\r\n`;

async function connect(user: string, password = PASSWORD): Promise<MailboxSession> {
  const session = await imapMailboxes.connect(login(user), { kind: 'password', password });
  sessions.push(session);
  return session;
}

async function collect(messages: AsyncIterable<{ uid: number; source: Buffer }>) {
  const out: { uid: number; source: Buffer }[] = [];
  for await (const m of messages) out.push(m);
  return out;
}

async function failure(work: Promise<unknown>): Promise<MailboxError> {
  const err = await work.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MailboxError);
  return err as MailboxError;
}

beforeAll(async () => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  dovecot = await startDovecot({ ann: PASSWORD, bob: PASSWORD, cleo: PASSWORD, dan: PASSWORD, eve: PASSWORD });
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(hostiles.splice(0).map((h) => h.stop()));
});
afterAll(async () => {
  await dovecot?.stop();
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
});

describe('reading a folder from a cursor (real dovecot)', () => {
  // The intake resumes at its cursor: messages come in UID order from the UID asked for, at most `limit`.
  it('opens read-only and fetches by UID from the cursor, in order, up to the limit', async () => {
    const uids = [];
    for (const s of ['one', 'two', 'three']) uids.push(await dovecot.append('ann', 'INBOX', message(s)));
    const session = await connect('ann');
    const folder = await session.open('INBOX');
    expect(folder).toEqual({ uidValidity: await dovecot.uidValidity('ann', 'INBOX'), uidNext: uids[2] + 1 });

    const all = await collect(session.fetch(1, 10));
    expect(all.map((m) => m.uid)).toEqual(uids);
    expect(all[1].source.toString()).toBe(message('two'));
    expect((await collect(session.fetch(uids[1], 10))).map((m) => m.uid)).toEqual([uids[1], uids[2]]);
    expect((await collect(session.fetch(1, 2))).map((m) => m.uid)).toEqual([uids[0], uids[1]]);
    expect(await collect(session.fetch(1, 0))).toEqual([]);
  });

  // IMAP's `N:*` names the last message even when N is past it; a cursor at UIDNEXT must read nothing.
  it('returns nothing from a cursor past the last message', async () => {
    await dovecot.append('bob', 'INBOX', message('only'));
    const session = await connect('bob');
    const { uidNext } = await session.open('INBOX');
    expect(await collect(session.fetch(uidNext, 10))).toEqual([]);
    expect(await collect(session.fetch(uidNext + 1000, 10))).toEqual([]);
  });

  // Reading must never mark the owner's mail as read.
  it('leaves every message unseen after fetching it', async () => {
    await dovecot.append('cleo', 'INBOX', message('unread'));
    await dovecot.append('cleo', 'INBOX', message('flagged'), ['\\Flagged']);
    const before = await dovecot.flags('cleo', 'INBOX');
    const session = await connect('cleo');
    await session.open('INBOX');
    expect(await collect(session.fetch(1, 10))).toHaveLength(2);
    await session.close();
    const after = await dovecot.flags('cleo', 'INBOX');
    expect([...after.values()].flat()).not.toContain('\\Seen');
    expect(after).toEqual(before);
  });

  // A bounce's verdict is in its first part; a huge message costs no more than the cap.
  it('cuts a message larger than the cap', async () => {
    const big = message('big', 'x'.repeat(IMAP_LIMITS.maxMessageBytes + 500_000));
    const uid = await dovecot.append('dan', 'INBOX', big);
    const session = await connect('dan');
    await session.open('INBOX');
    const [m] = await collect(session.fetch(uid, 1));
    expect(m.source.length).toBe(IMAP_LIMITS.maxMessageBytes);
    expect(m.source.toString()).toBe(big.slice(0, IMAP_LIMITS.maxMessageBytes));
  });

  it('reports UIDVALIDITY, which changes when the folder is recreated or the server renumbers it', async () => {
    await dovecot.createFolder('eve', 'Replies');
    await dovecot.append('eve', 'Replies', message('kept'));
    const first = await (await connect('eve')).open('Replies');
    expect(first.uidValidity).toBe(await dovecot.uidValidity('eve', 'Replies'));

    await dovecot.setUidValidity('eve', 'Replies', 4242);
    expect(await (await connect('eve')).open('Replies')).toEqual({ uidValidity: 4242, uidNext: first.uidNext });

    await dovecot.recreateFolder('eve', 'Replies');
    const recreated = await (await connect('eve')).open('Replies');
    expect(recreated.uidValidity).not.toBe(4242);
    expect(recreated.uidValidity).not.toBe(first.uidValidity);
  });
});

describe('waiting for new mail', () => {
  // IDLE wakes the intake as soon as mail arrives, and the session reads it right after.
  it('wakes on a message appended by another connection, then fetches it', async () => {
    const session = await connect('ann');
    const { uidNext } = await session.open('INBOX');
    const started = Date.now();
    const waiting = session.waitForNews(20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const uid = await dovecot.append('ann', 'INBOX', message('while idling'));
    expect(await waiting).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await collect(session.fetch(uidNext, 10))).map((m) => m.uid)).toEqual([uid]);
  });

  // Mail that came between the last look and the wait must not wait for the next one.
  it('returns at once for mail that arrived before the wait began', async () => {
    const session = await connect('bob');
    const { uidNext } = await session.open('INBOX');
    await dovecot.append('bob', 'INBOX', message('before the wait'));
    const started = Date.now();
    expect(await session.waitForNews(20_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await collect(session.fetch(uidNext, 10))).toHaveLength(1);
  });

  // A wait that ends quietly leaves the connection usable.
  it('ends after the time given and the session still reads', async () => {
    const session = await connect('cleo');
    await session.open('INBOX');
    const started = Date.now();
    expect(await session.waitForNews(400)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await collect(session.fetch(1, 10))).length).toBeGreaterThan(0);
    expect(await session.waitForNews(200)).toBe(true);
  });

  // imapflow keeps a quiet connection alive with a NOOP, which ends the IDLE early: the wait says
  // "look again" and the session carries on. Mail that came while no command ran is fetched too
  // (a server shows it only between commands).
  it('survives waits longer than the socket timeout, then fetches mail that came meanwhile', async () => {
    const session = await createImapMailboxes({ timeoutMs: 500 }).connect(login('dan'), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    const { uidNext } = await session.open('INBOX');
    for (let i = 0; i < 3; i++) expect(await session.waitForNews(1_500)).toBe(true);
    const uid = await dovecot.append('dan', 'INBOX', message('after the keepalives'));
    expect((await collect(session.fetch(uidNext, 10))).map((m) => m.uid)).toEqual([uid]);
  });

  // A server without IDLE cannot tell: the caller polls instead of waiting.
  it('answers false at once when the server has no IDLE', async () => {
    const hostile = await startHostileImap({ capabilities: [] });
    hostiles.push(hostile);
    const session = await createImapMailboxes({ timeoutMs: 1_000 }).connect(login('ann', { port: hostile.port }), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    await session.open('INBOX');
    const started = Date.now();
    expect(await session.waitForNews(20_000)).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
    expect(hostile.commands.some((c) => c.toUpperCase().startsWith('IDLE'))).toBe(false);
  });
});

describe('moving processed bounces (opted in)', () => {
  it('moves by UID into the bounce folder and keeps reading the open folder read-only', async () => {
    await dovecot.createFolder('dan', 'Bounces');
    const keep = await dovecot.append('dan', 'INBOX', message('keep'));
    const bounce = await dovecot.append('dan', 'INBOX', message('bounce'));
    const session = await connect('dan');
    await session.open('INBOX');
    await session.move([bounce], 'Bounces');
    expect(await dovecot.uids('dan', 'INBOX')).toContain(keep);
    expect(await dovecot.uids('dan', 'INBOX')).not.toContain(bounce);
    expect(await dovecot.uids('dan', 'Bounces')).toHaveLength(1);
    expect((await collect(session.fetch(keep, 10))).map((m) => m.uid)).toEqual([keep]);
    expect([...(await dovecot.flags('dan', 'Bounces')).values()].flat()).not.toContain('\\Seen');
  });

  it('reports a missing bounce folder', async () => {
    const uid = await dovecot.append('eve', 'INBOX', message('nowhere to go'));
    const session = await connect('eve');
    await session.open('INBOX');
    const err = await failure(session.move([uid], 'No Such Folder'));
    expect(err.health).toBe('folder_missing');
    expect(await dovecot.uids('eve', 'INBOX')).toContain(uid);
  });

  // Without MOVE and UIDPLUS the fallback's EXPUNGE would also remove what the owner flagged \Deleted.
  it('leaves messages in place on a server that cannot expunge only them', async () => {
    const hostile = await startHostileImap();
    hostiles.push(hostile);
    const session = await createImapMailboxes({ timeoutMs: 1_000 }).connect(login('ann', { port: hostile.port }), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    await session.open('INBOX');
    await session.move([1], 'Bounces');
    expect(hostile.commands.filter((c) => /^(UID )?(COPY|STORE|EXPUNGE|MOVE)\b/i.test(c))).toEqual([]);
  });
});

describe('what the session says when it cannot read', () => {
  it('auth_failed, with the server reply, for a wrong password', async () => {
    const err = await failure(imapMailboxes.connect(login('ann'), { kind: 'password', password: 'not-the-password' }));
    expect(err.health).toBe('auth_failed');
    expect(err.message).toBe(`127.0.0.1:${dovecot.port} refused the sign-in for ann: [AUTHENTICATIONFAILED] Authentication failed.`);
    expect(err.message).not.toContain('not-the-password');
  });

  // `starttls` means the password never crosses the wire in clear: a server that offers no
  // STARTTLS (or a man in the middle who strips it) gets no LOGIN.
  it('unreachable, without signing in, when STARTTLS is required and not offered', async () => {
    const hostile = await startHostileImap();
    hostiles.push(hostile);
    const err = await failure(createImapMailboxes({ timeoutMs: 1_000 }).connect({ ...login('ann', { port: hostile.port }), security: 'starttls' }, { kind: 'password', password: PASSWORD }));
    expect(err.health).toBe('unreachable');
    expect(hostile.commands.filter((c) => /^(LOGIN|AUTHENTICATE)/i.test(c))).toEqual([]);
  });

  it('unreachable when implicit TLS meets a plain server', async () => {
    const err = await failure(createImapMailboxes({ timeoutMs: 1_000 }).connect({ ...login('ann'), security: 'tls' }, { kind: 'password', password: PASSWORD }));
    expect(err.health).toBe('unreachable');
  });

  it('unreachable for a port nothing listens on', async () => {
    const port = await closedPortInRange();
    const err = await failure(imapMailboxes.connect(login('ann', { port }), { kind: 'password', password: PASSWORD }));
    expect(err.health).toBe('unreachable');
    expect(err.message).toContain(`Could not talk to 127.0.0.1:${port}: `);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('folder_missing for a folder the mailbox does not have', async () => {
    const session = await connect('ann');
    const err = await failure(session.open('Nope'));
    expect(err.health).toBe('folder_missing');
    expect(err.message).toBe(`Folder "Nope" on 127.0.0.1:${dovecot.port} does not exist`);
  });
});

describe('a hostile server', () => {
  const fast = { timeoutMs: 1_000, commandTimeoutMs: 3_000, maxMessageBytes: 1_024 };

  // Whatever the server does mid-FETCH, the session ends in a MailboxError within its deadlines:
  // no hang, no crash, nothing left unhandled, and the connection is closed.
  it.each<FetchBehaviour>(['garbage', 'stall', 'cut', 'trickle', 'oversized'])('%s during FETCH: unreachable within the deadline', async (behaviour) => {
    const hostile = await startHostileImap({ fetch: behaviour, capabilities: ['IDLE'] });
    hostiles.push(hostile);
    const session = await createImapMailboxes(fast).connect(login('ann', { port: hostile.port }), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    await session.open('INBOX');
    const started = Date.now();
    const err = await failure(collect(session.fetch(1, 10)));
    expect(err.health).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(fast.commandTimeoutMs + 2_000);
    // The session stays broken, and says so, rather than hanging on the next call.
    expect((await failure(session.waitForNews(10_000))).health).toBe('unreachable');
    await session.close();
    await expect.poll(() => hostile.openConnections(), { timeout: 3_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(escaped).toEqual([]);
  });

  // The rows of a FETCH are the server's to send and the memory holding them is ours: a server
  // that answers the same messages over and over, or with ones nobody asked for, has each message
  // read once and the rest dropped as they come, not collected until the command ends.
  it('a FETCH answered with the same messages over and over: each read once, nothing unasked kept', async () => {
    const hostile = await startHostileImap({ fetch: 'flood' });
    hostiles.push(hostile);
    const session = await createImapMailboxes(fast).connect(login('ann', { port: hostile.port }), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    await session.open('INBOX');
    expect((await collect(session.fetch(1, 10))).map((m) => m.uid)).toEqual([1, 2]);
  });

  // Without a usable UIDVALIDITY no cursor can be trusted: the folder is not read at all.
  it.each([null, '0', '99999999999999999999'])('UIDVALIDITY %s: unreachable, nothing read', async (uidValidity) => {
    const hostile = await startHostileImap({ uidValidity });
    hostiles.push(hostile);
    const session = await createImapMailboxes(fast).connect(login('ann', { port: hostile.port }), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    const err = await failure(session.open('INBOX'));
    expect(err.health).toBe('unreachable');
    expect(err.message).toMatch(/did not give folder "INBOX" a valid UIDVALIDITY/);
  });

  // The wire itself: EXAMINE to open, BODY.PEEK to read, a partial fetch to cap.
  it('opens with EXAMINE and fetches with BODY.PEEK[] cut at the cap', async () => {
    const hostile = await startHostileImap();
    hostiles.push(hostile);
    const session = await createImapMailboxes(fast).connect(login('ann', { port: hostile.port }), { kind: 'password', password: PASSWORD });
    sessions.push(session);
    await session.open('INBOX');
    expect((await collect(session.fetch(1, 10))).map((m) => m.uid)).toEqual([1, 2]);
    expect(hostile.commands).toContain('EXAMINE INBOX');
    expect(hostile.commands.filter((c) => /^SELECT/i.test(c))).toEqual([]);
    expect(hostile.commands).toContain(`UID FETCH 1,2 (UID BODY.PEEK[]<0.${fast.maxMessageBytes}>)`);
  });

  it('a port that accepts and never greets: unreachable within the timeout', async () => {
    const silent = createServer(() => {});
    const port = await listenInRange(silent);
    try {
      const started = Date.now();
      const err = await failure(createImapMailboxes(fast).connect(login('ann', { port }), { kind: 'password', password: PASSWORD }));
      expect(err.health).toBe('unreachable');
      expect(Date.now() - started).toBeLessThan(fast.timeoutMs + 2_000);
    } finally {
      silent.close();
    }
  });
});

describe('checkImapLogin', () => {
  it('signs in and opens every folder read, the bounce folder too', async () => {
    await dovecot.createFolder('bob', 'Bounced');
    const ok = await checkImapLogin({ ...login('bob'), folders: ['INBOX'], bounceFolder: 'Bounced' }, { kind: 'password', password: PASSWORD });
    expect(ok).toEqual({ health: 'ok', message: `Signed in to 127.0.0.1:${dovecot.port} as bob and opened INBOX, Bounced`, detail: null });
    expect(await checkImapLogin({ ...login('bob'), folders: ['INBOX'], bounceFolder: 'Missing' }, { kind: 'password', password: PASSWORD })).toMatchObject({
      health: 'folder_missing', detail: { code: 'folder_missing', where: `127.0.0.1:${dovecot.port}`, folder: 'Missing', reply: null },
    });
    expect(await checkImapLogin({ ...login('bob'), folders: ['INBOX'], bounceFolder: null }, { kind: 'password', password: 'wrong' })).toMatchObject({ health: 'auth_failed' });
  });
});
