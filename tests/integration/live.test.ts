import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, type Running } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import type { InboxHealthV1, MailingProgressV1, RecipientChangesV1 } from '../../server/live/protocol.js';
import { intakeRepository } from '../../server/db/repositories/intake.repository.js';
import { knexOf } from '../../server/db/knex.js';
import { recordFeedback } from '../support/feedback-intake.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import { runAccount } from '../../server/engine/scheduler.js';
import { engineContext } from '../../server/engine/index.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { SettingsSchema } from '../../server/db/entities/settings.entity.js';
import { UserSchema } from '../../server/db/entities/user.entity.js';
import { scratchDatabase } from '../support/databases.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink/index.js';
import { Factories } from '../support/factories.js';
import { TEST_PASSWORD } from '../support/test-app.js';
import { connected, watch, type LiveClient as Client } from '../support/live-client.js';


let running: Running;
let sink: SmtpSink;
let drop: () => Promise<void>;
let f: Factories;
const sockets: Client[] = [];

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${running.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

async function client(cookie?: string): Promise<Client> {
  const socket: Client = connect(running.url!, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false });
  sockets.push(socket);
  return socket;
}


let anna: Awaited<ReturnType<Factories['user']>>;
let mailingId: number;
let accountId: number;

beforeAll(async () => {
  const db = await scratchDatabase('mysql');
  drop = db.drop;
  sink = await startSmtpSink({ rules: { delayMs: 20 } });
  const config = { ...loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroom-live-')), PORT: '0', MAIL_SINK: 'off', DEMO_DATA: 'off', SECRET_KEY: 'live-test-secret-key-0000' }, ['--role', 'web']), database: db.target };
  running = await boot(config, () => {});
  f = new Factories(running.services.orm, running.services.secrets, TEST_PASSWORD);
  const [north, south] = [await f.department(), await f.department()];
  anna = await f.user('sales_manager', north.id, { email: 'anna@live.test' });
  await f.user('company_manager', null, { email: 'ceo@live.test' });
  await f.user('sales_manager', south.id, { email: 'cleo@live.test' });
  accountId = (await f.account(anna, { smtpPort: sink.port, dailyLimit: 10_000 })).id;
  const ids = [];
  for (let i = 0; i < 12; i++) ids.push((await f.company(anna, { email: `c${i}@live.test` })).id);
  const em = running.services.orm.em.fork();
  await em.nativeUpdate(SettingsSchema, { id: 1 }, { windowStart: '00:00', windowEnd: '23:59', businessDays: [1, 2, 3, 4, 5, 6, 7] });
  const message = await f.message(anna);
  const { mailings } = await createMailings(em, { id: anna.id, role: 'sales_manager', departmentId: north.id }, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(em, ''), new Date());
  mailingId = mailings[0].id;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await running?.close();
  await sink?.stop();
  await drop?.();
});

describe('the live hub', () => {
  // The handshake reuses the session cookie: no cookie, no socket.
  it('refuses a connection without a session', async () => {
    const s = await client();
    await expect(connected(s)).rejects.toThrow(/unauthorized/);
  });

  // A client may only join the room of a mailing it may see.
  it('refuses to let another department watch a mailing', async () => {
    const cleo = await client(await signIn('cleo@live.test'));
    await connected(cleo);
    expect(await watch(cleo, mailingId)).toEqual({ ok: false, error: 'Mailing not found' });
    expect(await watch(cleo, -3)).toMatchObject({ ok: false });
  });

  it('pushes progress, coalesced, to everyone allowed and to no one else', async () => {
    const [annaSocket, ceoSocket, cleoSocket] = await Promise.all([client(await signIn('anna@live.test')), client(await signIn('ceo@live.test')), client(await signIn('cleo@live.test'))]);
    await Promise.all([connected(annaSocket), connected(ceoSocket), connected(cleoSocket)]);
    const snapshot = await watch(annaSocket, mailingId);
    expect(snapshot).toMatchObject({ ok: true, snapshot: { id: mailingId, total: 12, sent: 0 } });
    const viewers = new Promise<string[]>((ok) => annaSocket.on('mailing:viewers:v1', (v) => v.viewers.length === 2 && ok(v.viewers.map((x) => x.name).sort())));
    expect((await watch(ceoSocket, mailingId)).ok).toBe(true);
    expect(await viewers).toHaveLength(2);

    const seen = { anna: [] as { p: MailingProgressV1; receivedAt: number }[], ceo: [] as MailingProgressV1[], cleo: 0, changes: 0 };
    annaSocket.on('mailing:progress:v1', (p) => seen.anna.push({ p, receivedAt: Date.now() }));
    annaSocket.on('mailing:recipients:v1', (r) => (seen.changes += r.changes.length));
    ceoSocket.on('mailing:progress:v1', (p) => seen.ceo.push(p));
    cleoSocket.on('mailing:progress:v1', () => seen.cleo++);

    // The real engine sends with no pacing wait (the sleep is skipped), as fast as the sink answers.
    const { orm, secrets, transport, events } = running.services;
    let sent = 0;
    const started = Date.now();
    for (let i = 0; i < 20 && sent < 12; i++) {
      await runAccount(engineContext({ orm, secrets, transport, events, now: () => new Date(), wallClock: Date.now, random: () => 0, leaseMs: 60_000 }), accountId, { deadline: Date.now() + 30_000, sleep: async () => {} });
      await orm.em.fork().getConnection().execute('update email_accounts set next_send_at = null');
      sent = sink.accepted().length;
    }
    await expect.poll(() => seen.anna.at(-1)?.p.sent, { timeout: 10_000 }).toBe(12);
    await expect.poll(() => seen.ceo.at(-1)?.sent, { timeout: 10_000 }).toBe(12);
    // The counters of a push are read from the database, "sent today" included.
    expect(seen.anna.at(-1)!.p).toMatchObject({ total: 12, failed: 0, completion: 100, sentToday: 12 });
    expect(seen.cleo).toBe(0);
    await expect.poll(() => seen.changes, { timeout: 5_000 }).toBe(12);
    // Every push carries the server time of its change; at most 4 a second per mailing.
    for (const { p } of seen.anna) expect(Date.parse(p.at)).not.toBeNaN();
    // Pushes leave the server at least 250 ms apart (receipts may bunch on a busy machine), so
    // their number is bounded by the time the sending took.
    const elapsed = seen.anna.at(-1)!.receivedAt - started;
    expect(seen.anna.length).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 1);
  });

  // A connection that drops keeps its pages: the recipient changes sent meanwhile wait for it
  // (even though nobody else had the page open) and arrive when it comes back, without asking again.
  it('gives a dropped connection the recipient changes it missed, and its place among the viewers', async () => {
    const em = running.services.orm.em.fork();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await f.company(anna, { email: `dropped${i}@live.test` })).id);
    const message = await f.message(anna);
    const { mailings } = await createMailings(em, { id: anna.id, role: 'sales_manager', departmentId: anna.department!.id }, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(em, ''), new Date());
    const dropped = mailings[0].id;

    const cookie = await signIn('anna@live.test');
    const socket = await client(cookie);
    await connected(socket);
    expect((await watch(socket, dropped)).ok).toBe(true);
    let changes = 0;
    socket.on('mailing:recipients:v1', (r) => r.mailingId === dropped && (changes += r.changes.length));
    // The network goes: the server sees its transport close, as when a laptop loses its Wi-Fi.
    const gone = new Promise<string>((ok) => socket.once('disconnect', ok));
    socket.io.engine.close();
    await gone;

    const { orm, secrets, transport, events } = running.services;
    const before = sink.accepted().length;
    for (let i = 0; i < 20 && sink.accepted().length < before + 6; i++) {
      await runAccount(engineContext({ orm, secrets, transport, events, now: () => new Date(), wallClock: Date.now, random: () => 0, leaseMs: 60_000 }), accountId, { deadline: Date.now() + 30_000, sleep: async () => {} });
      await orm.em.fork().getConnection().execute('update email_accounts set next_send_at = null');
    }
    expect(sink.accepted().length).toBe(before + 6);
    // Let the last coalesced push leave while the connection is still down.
    await new Promise((ok) => setTimeout(ok, 400));
    expect(changes).toBe(0);

    const other = await client(await signIn('ceo@live.test'));
    await connected(other);
    // Until then, the page shows only whoever else opens it.
    const opened = await watch(other, dropped);
    expect(opened.ok && opened.viewers.map((v) => v.id)).toEqual([expect.any(Number)]);
    expect(opened.ok && opened.viewers[0].id).not.toBe(anna.id);
    const viewers = new Promise<number[]>((ok) => other.on('mailing:viewers:v1', (v) => v.viewers.length === 2 && ok(v.viewers.map((x) => x.id))));
    socket.connect();
    await connected(socket);
    expect(socket.recovered).toBe(true);
    await expect.poll(() => changes, { timeout: 5_000 }).toBe(6);
    expect(await viewers).toContain(anna.id);
  });

  // A signed-out session, or a user whose rights changed, stops receiving pushes at once.
  it('closes the sockets of a session that signs out, and of a user who is deactivated', async () => {
    const csrf = async (cookie: string) => ((await (await fetch(`${running.url}/api/session`, { headers: { cookie } })).json()) as { csrfToken: string }).csrfToken;
    const [first, second] = [await signIn('cleo@live.test'), await signIn('cleo@live.test')];
    const [a, b] = [await client(first), await client(second)];
    await Promise.all([connected(a), connected(b)]);
    const closedA = new Promise<string>((ok) => a.once('disconnect', ok));
    const out = await fetch(`${running.url}/api/session`, { method: 'DELETE', headers: { cookie: first, 'x-csrf-token': await csrf(first) } });
    expect(out.status).toBe(200);
    expect(await closedA).toBe('io server disconnect');
    expect(b.connected).toBe(true);

    await f.user('admin', null, { email: 'admin@live.test' });
    const admin = await signIn('admin@live.test');
    const cleo = await running.services.orm.em.fork().findOneOrFail(UserSchema, { email: 'cleo@live.test' });
    const closedB = new Promise<string>((ok) => b.once('disconnect', ok));
    const res = await fetch(`${running.url}/api/users/${cleo.id}`, { method: 'PATCH', headers: { cookie: admin, 'content-type': 'application/json', 'x-csrf-token': await csrf(admin) }, body: JSON.stringify({ active: false }) });
    expect(res.status, await res.text()).toBe(200);
    expect(await closedB).toBe('io server disconnect');
  });
});

describe('mailbox feedback, live', () => {
  let feedbackMailing: number;
  let rows: number[];
  let annaSocket: Client;
  let ceoSocket: Client;
  let southSocket: Client;
  const seen = { changes: [] as RecipientChangesV1['changes'], ceo: [] as MailingProgressV1[], south: 0 };

  beforeAll(async () => {
    const em = running.services.orm.em.fork();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await f.company(anna, { email: `answered${i}@live.test` })).id);
    const message = await f.message(anna);
    const { mailings } = await createMailings(em, { id: anna.id, role: 'sales_manager', departmentId: anna.department!.id }, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(em, ''), new Date());
    feedbackMailing = mailings[0].id;
    // Sent and done days ago, as a mailing is when its answers come in: no longer among the ones whose counters the relay follows.
    const knex = knexOf(em);
    await knex('mailing_recipients').where({ mailing_id: feedbackMailing }).update({ state: 'sent', sent_at: new Date(Date.now() - 2 * 86_400_000), attempts: 1 });
    await knex('mailings').where({ id: feedbackMailing }).update({ status: 'done', sent_count: 5, finished_at: new Date(Date.now() - 2 * 86_400_000) });
    rows = (await knex('mailing_recipients').where({ mailing_id: feedbackMailing }).orderBy('id').pluck('id')).map(Number);

    await f.user('sales_manager', (await f.department()).id, { email: 'sol@live.test' });
    [annaSocket, ceoSocket, southSocket] = await Promise.all([client(await signIn('anna@live.test')), client(await signIn('ceo@live.test')), client(await signIn('sol@live.test'))]);
    await Promise.all([connected(annaSocket), connected(ceoSocket), connected(southSocket)]);
    expect((await watch(annaSocket, feedbackMailing)).ok).toBe(true);
    annaSocket.on('mailing:recipients:v1', (r) => r.mailingId === feedbackMailing && seen.changes.push(...r.changes));
    ceoSocket.on('mailing:progress:v1', (p) => p.mailingId === feedbackMailing && seen.ceo.push(p));
    southSocket.on('mailing:progress:v1', () => seen.south++);
    southSocket.on('mailing:recipients:v1', () => seen.south++);
  });

  // The intake running in this process emits recipient.feedback: the watcher of the mailing's page
  // gets the row's answer with its status code and diagnostic, the list gets fresh counters, and
  // another department gets nothing.
  it('pushes a bounce to the mailing page and the counters to the list', async () => {
    const knex = knexOf(running.services.orm.em.fork());
    await knex('mailing_recipients').where({ id: rows[0] }).update({ feedback: 'bounced', feedback_at: new Date(), feedback_status: '5.1.1', feedback_note: 'User unknown' });
    await knex('mailings').where({ id: feedbackMailing }).increment('bounced_count', 1);
    const head = { mailingId: feedbackMailing, departmentId: anna.department!.id, ownerId: anna.id };
    running.services.events.emit({ type: 'recipient.feedback', ...head, rowId: rows[0], email: 'answered0@live.test', feedback: 'bounced', status: '5.1.1', note: 'User unknown', at: new Date().toISOString() });

    await expect.poll(() => seen.changes.find((c) => c.rowId === rows[0]), { timeout: 5_000 }).toMatchObject({ state: 'sent', feedback: { feedback: 'bounced', status: '5.1.1', note: 'User unknown' } });
    await expect.poll(() => seen.ceo.at(-1), { timeout: 5_000 }).toMatchObject({ sent: 5, bounced: 1, complained: 0, replied: 0, completion: 100 });
    expect(seen.south).toBe(0);
  });

  // A web-only process (this one) hears nothing of the worker's intake but what it committed: the
  // relay reads the new feedback events and pushes them the same way, the row as it now is.
  it('relays the feedback a worker committed', async () => {
    await recordFeedback(running.services.orm, rows[1], 'reply', { note: 'Yes, call me' });
    await expect.poll(() => seen.changes.find((c) => c.rowId === rows[1]), { timeout: 5_000 }).toMatchObject({ email: 'answered1@live.test', feedback: { feedback: 'replied', status: null, note: 'Yes, call me' } });
    await expect.poll(() => seen.ceo.at(-1), { timeout: 5_000 }).toMatchObject({ bounced: 1, replied: 1 });
    expect(seen.south).toBe(0);
  });

  // Ids are taken at insert and committed in any order (inboxes are read side by side): an answer
  // whose transaction commits after a later one was relayed is relayed all the same.
  it('relays an answer committed after a later one was relayed', async () => {
    const knex = knexOf(running.services.orm.em.fork());
    const slow = await knex.transaction();
    try {
      await slow('mailing_recipients').where({ id: rows[3] }).update({ feedback: 'replied', feedback_at: new Date(), feedback_note: 'Slow commit' });
      await slow('feedback_events').insert({ account_id: accountId, message_key: 'slow-commit', kind: 'reply', email: 'answered3@live.test', recipient_row: rows[3], note: 'Slow commit', folder: 'INBOX', created_at: new Date() });
      await recordFeedback(running.services.orm, rows[4], 'reply', { note: 'Quick' });
      await expect.poll(() => seen.changes.find((c) => c.rowId === rows[4]), { timeout: 5_000 }).toBeTruthy();
      await slow.commit();
    } finally {
      if (!slow.isCompleted()) await slow.rollback();
    }
    await expect.poll(() => seen.changes.find((c) => c.rowId === rows[3]), { timeout: 5_000 }).toMatchObject({ feedback: { feedback: 'replied', note: 'Slow commit' } });
  });

  // The worker's intake records an inbox's health in the database; a web-only process tells the
  // owner's and the department's accounts pages only through the relay, and no other department.
  it('relays the health a worker\'s intake recorded for an inbox', async () => {
    const inbox = await f.inbox(accountId);
    const healths: InboxHealthV1[] = [];
    let southHeard = 0;
    annaSocket.on('inbox:health:v1', (h) => healths.push(h));
    southSocket.on('inbox:health:v1', () => southHeard++);
    // Two answers relayed one after the other, after the inbox was made: the relay's pass that
    // relayed the first had read the inbox as it was before the second pass began.
    await recordFeedback(running.services.orm, rows[2], 'auto_reply', { note: 'Away' });
    await expect.poll(() => seen.changes.find((c) => c.rowId === rows[2]), { timeout: 5_000 }).toBeTruthy();
    await recordFeedback(running.services.orm, rows[2], 'reply', { note: 'Back' });
    await expect.poll(() => seen.changes.find((c) => c.rowId === rows[2] && c.feedback?.feedback === 'replied'), { timeout: 5_000 }).toBeTruthy();
    const detail = { code: 'oauth_refused', error: 'invalid_grant' } as const;
    await intakeRepository.setHealth(running.services.orm.em.fork(), inbox.id, 'auth_failed', 'Sign-in refused', detail, new Date());
    await expect.poll(() => healths.at(-1), { timeout: 5_000 }).toMatchObject({ accountId, health: 'auth_failed', reason: 'Sign-in refused', detail });
    expect(southHeard).toBe(0);
  });

  // A claim lost with its worker has no server's reply: the page's row gets Mailroom's outcome code
  // to word, not an English sentence.
  it('pushes the outcome of a recipient Mailroom ended itself', async () => {
    const head = { mailingId: feedbackMailing, departmentId: anna.department!.id, ownerId: anna.id };
    running.services.events.emit({ type: 'recipient.uncertain', ...head, rowId: rows[0], email: 'answered0@live.test', outcome: { code: 'worker_stopped' }, at: new Date().toISOString() });
    await expect.poll(() => seen.changes.find((c) => c.rowId === rows[0] && c.state === 'uncertain'), { timeout: 5_000 }).toMatchObject({ reply: null, outcome: { code: 'worker_stopped' } });
    expect(seen.south).toBe(0);
  });
});
