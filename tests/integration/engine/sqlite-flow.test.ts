import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { makeClient, type Client } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { startServer, type ServerProcess } from '../../support/server-process.js';
import type { MailingDetailDto, PreflightDto } from '../../../server/http/schemas/mailings.js';

/**
 * The main flow through the HTTP API only, against the real server process (`--role all`) on
 * SQLite with the embedded job store, sending into an SMTP sink process.
 */

const ADMIN = { email: 'admin@flow.test', password: 'admin-password-1234' };
const SALES = { email: 'sales@flow.test', password: 'sales-password-1234' };

let dir: string;
let server: ServerProcess | undefined;
let sink: SmtpSink | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mailroom-sqlite-flow-'));
  // Settled, so afterAll can stop whichever started when the other did not.
  const started = await Promise.allSettled([
    startServer({
      databaseUrl: `sqlite:${join(dir, 'mailroom.sqlite')}`,
      env: { MAIL_SINK: 'off', DEMO_DATA: 'off', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RECONCILE_SECONDS: '1', JOBS_POLL_SECONDS: '0.2' },
    }).then((s) => (server = s)),
    startSmtpSink().then((s) => (sink = s)),
  ]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
});

afterAll(async () => {
  await server?.stop();
  await sink?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A session on the running server, with the same client the in-process API tests use. */
async function signIn(who: { email: string; password: string }): Promise<Client> {
  const remote = { request: (path: string, init?: RequestInit) => fetch(`${server!.url}${path}`, init) };
  const res = await remote.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  expect(res.status, await res.clone().text()).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return makeClient(remote as unknown as Parameters<typeof makeClient>[0], res.headers.get('set-cookie')!.split(';')[0], csrfToken);
}

/** Answers the body of a 2xx reply, or fails with what the server said. */
function ok<T = any>(res: { status: number; body: unknown; text: string }, status = 200): T {
  expect(res.status, res.text).toBe(status);
  return res.body as T;
}

async function untilDone(client: Client, id: number): Promise<MailingDetailDto> {
  let mailing!: MailingDetailDto;
  await vi.waitFor(
    async () => {
      mailing = ok<MailingDetailDto>(await client.get(`/api/mailings/${id}`));
      expect(mailing.status, `${JSON.stringify(mailing.progress)}\n${server!.output()}`).toBe('done');
    },
    { timeout: 120_000, interval: 250 },
  );
  return mailing;
}

// Invariant: on SQLite with the embedded job store, a mailing made through the API reaches
// each recipient once with the unsubscribe headers, and a one-click unsubscribe keeps that
// address out of the next mailing (its pre-flight counts it, the sink never gets it again).
it('mails, unsubscribes and honours the suppression, through the API on SQLite', { timeout: 240_000 }, async () => {
  const admin = await signIn(ADMIN);
  const dept = ok(await admin.post('/api/departments', { name: 'Flow' }), 201);
  ok(await admin.post('/api/users', { ...SALES, name: 'Sam Sales', role: 'sales_manager', departmentId: dept.id, timeZone: 'UTC' }), 201);
  const settings = ok(await admin.get('/api/settings'));
  // Open every day, all day; the links in the mail point at this server.
  ok(await admin.put('/api/settings', { ...settings, windowStart: '00:00', windowEnd: '23:59', businessDays: [1, 2, 3, 4, 5, 6, 7], publicBaseUrl: server!.url }));

  const sales = await signIn(SALES);
  for (const user of ['flow-a@s.test', 'flow-b@s.test']) {
    const account = { name: user, fromName: 'Sam Sales', fromEmail: user, smtpHost: '127.0.0.1', smtpPort: sink!.port, smtpSecurity: 'none', smtpUser: user, password: 'smtp-password', dailyLimit: 10_000 };
    ok(await sales.post('/api/accounts', account), 201);
  }
  const message = ok(await sales.post('/api/messages', { name: 'News', subject: 'News for {{ company_name }}', html: '<p>Hello {{ company_name }}</p><p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>' }), 201);
  // Two records share one address: the first mailing mails it once; after the unsubscribe one
  // record is opted out and its twin is kept out by the suppression list alone.
  const emails = ['one@flow.test', 'two@flow.test', 'three@flow.test', 'one@flow.test'];
  const ids: number[] = [];
  for (const [i, email] of emails.entries()) ids.push(ok(await sales.post('/api/companies', { name: `Company ${i}`, email }), 201).id);
  const request = { messageId: message.id, selections: { company: { ids } }, start: 'active' };

  const first = ok<{ mailings: MailingDetailDto[]; reports: PreflightDto[] }>(await sales.post('/api/mailings', request), 201);
  expect(first.reports[0]).toMatchObject({ recipients: 3, excluded: { duplicate: 1 } });
  expect((await untilDone(sales, first.mailings[0].id)).sent).toBe(3);
  expect(Object.fromEntries(sink!.acceptedCountsByRecipient())).toEqual({ 'one@flow.test': 1, 'two@flow.test': 1, 'three@flow.test': 1 });
  const mails = sink!.accepted();
  expect(mails).toHaveLength(3);
  expect(mails.filter((m) => m.listUnsubscribePost !== 'List-Unsubscribe=One-Click' || !m.listUnsubscribe?.includes(`<${server!.url}/u/`))).toEqual([]);

  // The RFC 8058 one-click POST a mailbox provider would send, with no session.
  const header = mails.find((m) => m.to.includes('one@flow.test'))!.listUnsubscribe!;
  const url = /<(https?:[^>]+)>/.exec(header)![1];
  const unsubscribed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  expect(unsubscribed.status).toBe(200);

  const second = ok<{ mailings: MailingDetailDto[]; reports: PreflightDto[] }>(await sales.post('/api/mailings', request), 201);
  expect(second.reports[0]).toMatchObject({ recipients: 2, excluded: { optedOut: 1, suppressed: 1, duplicate: 0 } });
  expect((await untilDone(sales, second.mailings[0].id)).sent).toBe(2);
  expect(Object.fromEntries(sink!.acceptedCountsByRecipient())).toEqual({ 'one@flow.test': 1, 'two@flow.test': 2, 'three@flow.test': 2 });

  // A message without the link gets Mailroom's footer, in the language its owner chose.
  ok(await sales.put('/api/session/locale', { locale: 'de' }));
  const bare = ok(await sales.post('/api/messages', { name: 'Kurz', subject: 'Neues', html: '<p>Hallo</p>' }), 201);
  const third = ok<{ mailings: MailingDetailDto[] }>(await sales.post('/api/mailings', { messageId: bare.id, selections: { company: { ids: [ids[1]] } }, start: 'active' }), 201);
  expect((await untilDone(sales, third.mailings[0].id)).sent).toBe(1);
  const german = sink!.accepted().filter((m) => m.to.includes('two@flow.test')).at(-1)!;
  expect(german.text).toMatch(/^Hallo\n\nSie erhalten diese E-Mail.*\nAbmelden: http\S+\/u\/\S+$/s);
  expect(german.html).toContain('>Abmelden</a>');
});
