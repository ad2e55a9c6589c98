import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen } from '../../support/engine.js';
import { MailingRecipientSchema, SuppressionSchema } from '../../../server/db/entities/index.js';
import type { User } from '../../../server/db/entities/user.entity.js';
import type { MailingDto } from '../../../server/http/schemas/mailings.js';
import { MAILING_STATUSES } from '../../../server/domain/mailing-status.js';
import { RECIPIENT_TYPES } from '../../../server/domain/recipient-types.js';

let t: TestApp;
let sink: SmtpSink;
let anna: User;
let colleague: User;
let annaClient: Client;
let foreignClient: Client;
let colleagueClient: Client;
let messageId: number;
const companyIds: number[] = [];

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startSmtpSink()]);
  await alwaysOpen(t);
  const [north, south] = [await t.factories.department(), await t.factories.department()];
  anna = await t.factories.user('sales_manager', north.id);
  colleague = await t.factories.user('sales_manager', north.id);
  const foreign = await t.factories.user('sales_manager', south.id);
  await t.factories.account(anna, { main: true, smtpPort: sink.port });
  await t.factories.account(anna, { smtpPort: sink.port });
  await t.factories.account(anna, { smtpPort: sink.port });
  messageId = (await t.factories.message(anna, { html: '<p>Hi {{ name }}</p>' })).id;
  const rows: [string | null, Record<string, unknown>][] = [
    ['one@c.test', { vip: true }], ['two@c.test', {}], ['TWO@c.test', {}], ['three@c.test', { massMailing: false }],
    [null, {}], ['not-an-email', {}], ['gone@c.test', {}], ['four@c.test', { disqualified: true }],
  ];
  for (const [email, over] of rows) companyIds.push((await t.factories.company(anna, { email, ...over })).id);
  companyIds.push((await t.factories.company(colleague, { email: 'theirs@c.test' })).id);
  const em = t.services.orm.em.fork();
  em.create(SuppressionSchema, { email: 'gone@c.test', reason: 'unsubscribed' });
  await em.flush();
  [annaClient, foreignClient, colleagueClient] = await Promise.all([t.signIn(anna.email), t.signIn(foreign.email), t.signIn(colleague.email)]);
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

describe('making a mass mailing', () => {
  // The creation report counts every exclusion; duplicate addresses collapse.
  it('reports who is mailed, who is excluded and why, and warns about the footer and signature', async () => {
    const res = await annaClient.post('/api/mailings/preflight', { messageId, selections: { company: { ids: companyIds } } });
    expect(res.status, res.text).toBe(200);
    const [report] = res.body.reports;
    expect(report).toMatchObject({ recipientType: 'company', selected: 9, recipients: 2, vipRecipients: 1, errors: [] });
    expect(report.excluded).toEqual({ notYours: 1, noEmail: 1, invalidEmail: 1, optedOut: 1, disqualified: 1, suppressed: 1, duplicate: 1 });
    expect(report.warnings.join()).toMatch(/signature/);
    expect(report.warnings.join()).toMatch(/unsubscribe footer/);
    expect(report.allocation.map((a: { recipients: number; main: boolean }) => [a.main, a.recipients])).toEqual([[true, 1], [false, 1], [false, 0]]);
    expect(report.eta).not.toBeNull();
  });

  // A variable the recipient type does not have is a pre-flight error, never a blank in a sent mail.
  it('refuses a template variable the recipient type lacks, and creates nothing', async () => {
    const bad = (await t.factories.message(anna, { html: '<p>Hi {{ first_name }}</p>' })).id;
    const res = await annaClient.post('/api/mailings', { messageId: bad, selections: { company: { ids: companyIds } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/first_name/);
    expect((await annaClient.get('/api/mailings')).body.total).toBe(0);
  });

  it('refuses an owner without accounts, and a foreign message', async () => {
    const noAccounts = await colleagueClient.post('/api/mailings', { messageId, selections: { company: { filter: {} } } });
    expect(noAccounts.status).toBe(422);
    expect(noAccounts.body.error).toMatch(/no e-mail account/);
    const foreign = await foreignClient.post('/api/mailings/preflight', { messageId, selections: { company: { filter: {} } } });
    expect(foreign.body.reports[0].errors.join()).toMatch(/not found/);
  });

  // A sales manager mails only the recipients assigned to them: a filter naming another owner is
  // refused with the field named, never quietly turned into the caller's own recipients.
  it('refuses a filter naming another owner, in the pre-flight and on create', async () => {
    const body = { messageId, selections: { company: { filter: { ownerId: colleague.id } } } };
    for (const path of ['/api/mailings/preflight', '/api/mailings']) {
      const res = await annaClient.post(path, body);
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.body.error).toMatch(/^selections\.company\.filter\.ownerId: /);
    }
    expect((await annaClient.get('/api/mailings')).body.total).toBe(0);
    const own = await annaClient.post('/api/mailings/preflight', { messageId, selections: { company: { filter: { ownerId: anna.id } } } });
    expect(own.status, own.text).toBe(200);
    expect(own.body.reports[0].recipients).toBe(2);
  });

  it('creates one mailing per recipient type, paused when asked, with its ledger', async () => {
    const contactCompany = await t.factories.company(anna, { email: null });
    await t.factories.contact(anna, contactCompany.id, { email: 'person@c.test' });
    const res = await annaClient.post('/api/mailings', { messageId, start: 'paused', selections: { company: { ids: companyIds }, contact: { filter: { q: 'person' } } } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.mailings.map((m: { recipientType: string; status: string; total: number }) => [m.recipientType, m.status, m.total])).toEqual([['company', 'paused', 2], ['contact', 'paused', 1]]);
    const ledger = await t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: res.body.mailings[0].id });
    expect(ledger.map((r) => r.email).sort()).toEqual(['one@c.test', 'two@c.test']);
  });
});

describe('a message whose template fails', () => {
  // Stored before its rule (the API refuses to save either): the pre-flight and a test send say
  // why as values, the part and Mailroom's rule or limit, which the UI words in the reader's language.
  it('names the problem as values in the pre-flight and in a refused test send', async () => {
    await t.factories.account(colleague, { smtpPort: sink.port });
    const theirs = companyIds.at(-1)!;
    const tagged = await t.factories.message(colleague, { html: "<p>{% include 'footer' %}</p>" });
    const preflight = await colleagueClient.post('/api/mailings/preflight', { messageId: tagged.id, selections: { company: { ids: [theirs] } } });
    expect(preflight.status, preflight.text).toBe(200);
    expect(preflight.body.reports[0].errorReasons).toContainEqual({
      reason: 'preflight_unparsable', params: { problem: { cause: 'file_tag', part: 'html', tag: 'include', at: { line: 1, col: 4 } } },
    });

    const tooBig = await t.factories.message(colleague, { text: `{% for i in (1..3000) %}${'x'.repeat(1000)}{% endfor %}` });
    const made = await colleagueClient.post('/api/mailings', { messageId: tooBig.id, start: 'paused', selections: { company: { ids: [theirs] } } });
    expect(made.status, made.text).toBe(201);
    const sent = await colleagueClient.post(`/api/mailings/${made.body.mailings[0].id}/test`, { email: 'me@anywhere.test' });
    expect(sent.status, sent.text).toBe(400);
    expect(sent.body).toMatchObject({
      error: 'The message cannot be rendered: text: the output is larger than 2,000,000 characters, line:1, col:25',
      reason: 'test_unrenderable',
      params: { problem: { cause: 'limit', part: 'text', limit: 'output_size', value: 2_000_000, at: { line: 1, col: 25 } } },
    });
  });
});

describe('operating a mailing', () => {
  let id: number;
  beforeAll(async () => {
    const res = await annaClient.post('/api/mailings', { messageId, start: 'active', selections: { company: { ids: companyIds } } });
    id = res.body.mailings[0].id;
  });

  it('shows the mailing to its department and hides it from others', async () => {
    expect((await colleagueClient.get(`/api/mailings/${id}`)).status).toBe(200);
    expect((await foreignClient.get(`/api/mailings/${id}`)).status).toBe(404);
    expect((await foreignClient.get('/api/mailings')).body.items.map((m: { id: number }) => m.id)).not.toContain(id);
    expect((await colleagueClient.post(`/api/mailings/${id}/pause`)).status).toBe(403);
  });

  it('lists with search by id and by name, filters and sorting', async () => {
    const byId = await annaClient.get(`/api/mailings?q=%23${id}`);
    expect(byId.body.items.map((m: { id: number }) => m.id)).toEqual([id]);
    const paused = await annaClient.get('/api/mailings?status=paused&sort=name&dir=asc');
    const pausedItems: { status: string; name: string }[] = paused.body.items;
    expect(pausedItems.length).toBeGreaterThan(0);
    expect(new Set(pausedItems.map((m) => m.status))).toEqual(new Set(['paused']));
    const names = pausedItems.map((m) => m.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    const item = (await annaClient.get(`/api/mailings?q=${id}`)).body.items.find((m: { id: number }) => m.id === id);
    expect(item).toMatchObject({ ownerName: anna.name, total: 2, completion: 0, sentToday: 0, vip: true });
    expect(item.accounts).toHaveLength(3);
    expect(item.notifications.map((n: { text: string }) => n.text).join('|')).toMatch(/Created with 2 recipients/);
  });

  it('pauses and resumes, refusing what does not apply', async () => {
    const paused = await annaClient.post(`/api/mailings/${id}/pause`);
    expect(paused.body.status).toBe('paused');
    expect((await annaClient.post(`/api/mailings/${id}/pause`)).status).toBe(409);
    expect((await annaClient.post(`/api/mailings/${id}/resume`)).body.status).toBe('active');
    expect((await annaClient.post(`/api/mailings/${id}/restart`, {})).status).toBe(409);
  });

  it('sends a test to any address, rendered as a real send', async () => {
    const res = await annaClient.post(`/api/mailings/${id}/test`, { email: 'me@anywhere.test' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.ok).toBe(true);
    const mail = sink.accepted().find((m) => m.to[0] === 'me@anywhere.test');
    expect(mail?.listUnsubscribePost).toBe('List-Unsubscribe=One-Click');
  });

  // A user's own mailbox must not become a way to spam: 20 test sends an hour, then 429.
  it('refuses the test send after 20 in an hour, saying when to try again', async () => {
    for (let i = 2; i <= 20; i++) expect((await annaClient.post(`/api/mailings/${id}/test`, { email: `t${i}@anywhere.test` })).status).toBe(200);
    const refused = await annaClient.post(`/api/mailings/${id}/test`, { email: 'one-too-many@anywhere.test' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/Too many test sends/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sink.accepted().some((m) => m.to[0] === 'one-too-many@anywhere.test')).toBe(false);
  });

  it('lists recipients by state', async () => {
    const res = await annaClient.get(`/api/mailings/${id}/recipients?state=pending`);
    expect(res.body.total).toBe(2);
    expect(res.body.items[0]).toMatchObject({ state: 'pending', attempts: 0 });
  });

  // Combine: same message, type and owner; the originals are retired with their history.
  it('combines mailings, de-duplicating recipients', async () => {
    const other = (await annaClient.post('/api/mailings', { messageId, start: 'paused', selections: { company: { ids: companyIds } } })).body.mailings[0].id;
    const res = await annaClient.post('/api/mailings/combine', { ids: [id, other] });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ total: 2, status: 'active' });
    expect((await annaClient.get(`/api/mailings/${id}`)).body).toMatchObject({ status: 'cancelled', combinedInto: res.body.id });
    const again = await annaClient.post('/api/mailings/combine', { ids: [id, other] });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatch(/Finished mailings/);
    expect((await annaClient.post(`/api/mailings/${res.body.id}/cancel`)).body.status).toBe('cancelled');
    // The cancelled queue says why as an outcome code, with no server's reply.
    const skipped = await annaClient.get(`/api/mailings/${res.body.id}/recipients?state=skipped`);
    expect(skipped.body.items.length).toBeGreaterThan(0);
    for (const row of skipped.body.items) expect(row).toMatchObject({ outcome: { code: 'cancelled' }, lastReply: null });
  });
});

describe('sorting the list by every column', () => {
  type Item = MailingDto;
  const FAILED = ['disabled', 'auth_failed', 'sender_refused', 'unreachable'];
  const collator = new Intl.Collator('en', { sensitivity: 'base' });
  const byString = (key: (m: Item) => string) => (a: Item, b: Item) => collator.compare(key(a), key(b));
  const byNumber = (key: (m: Item) => number) => (a: Item, b: Item) => key(a) - key(b);
  // What each column orders by, as the server does: enums in their declared order, accounts by
  // those that can send, notifications by the latest one (none first).
  const order: Record<string, (a: Item, b: Item) => number> = {
    id: byNumber((m) => m.id),
    name: byString((m) => m.name),
    recipientType: byNumber((m) => RECIPIENT_TYPES.indexOf(m.recipientType)),
    status: byNumber((m) => MAILING_STATUSES.indexOf(m.status)),
    completion: byNumber((m) => m.completion),
    owner: byString((m) => m.ownerName),
    sentToday: byNumber((m) => m.sentToday),
    total: byNumber((m) => m.total),
    accounts: byNumber((m) => m.accounts.filter((a) => a.light.green || !FAILED.includes(a.light.reason)).length),
    notifications: byNumber((m) => Math.max(0, ...m.notifications.map((n) => n.id))),
    createdAt: byString((m) => m.createdAt),
  };

  // Every sortable column of the list answers both ways, in that order (ties newest first).
  it.each(Object.keys(order))('sorts by %s', async (sort) => {
    for (const dir of ['asc', 'desc'] as const) {
      const res = await annaClient.get(`/api/mailings?sort=${sort}&dir=${dir}`);
      expect(res.status, res.text).toBe(200);
      const items = res.body.items as Item[];
      expect(items.length).toBeGreaterThan(1);
      const expected = [...items].sort((a, b) => (dir === 'asc' ? 1 : -1) * order[sort](a, b) || b.id - a.id);
      expect(items.map((m) => m.id)).toEqual(expected.map((m) => m.id));
    }
  });
});
