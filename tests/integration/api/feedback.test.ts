import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from '@mikro-orm/knex';
import { initTestApp, type Client, type TestApp } from '../../support/test-app.js';
import { makeMailing, markSent } from '../../support/mailing-fixtures.js';
import { recordFeedback } from '../../support/feedback-intake.js';
import { knexOf } from '../../../server/db/knex.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { CompanySchema, SuppressionSchema } from '../../../server/db/entities/index.js';
import type { User } from '../../../server/db/entities/user.entity.js';
import type { RecipientType } from '../../../server/domain/recipient-types.js';

/**
 * What users see of the mailbox feedback loop through the API: the counters of the list and the
 * mailing page, the recipients tab by feedback with the reason an address is suppressed, the
 * restart of soft-bounced recipients, and a CRM record's feedback history. The intake itself is
 * given to the real intake by tests/support/feedback-intake.ts, on the real MariaDB.
 */

let t: TestApp;
let knex: Knex;
let anna: User;
let foreign: User;
let annaClient: Client;
let colleagueClient: Client;
let foreignClient: Client;
let ceoClient: Client;
let messageId: number;
let n = 0;

beforeAll(async () => {
  t = await initTestApp();
  knex = knexOf(t.services.orm.em.fork());
  const [north, south] = [await t.factories.department(), await t.factories.department()];
  anna = await t.factories.user('sales_manager', north.id);
  const colleague = await t.factories.user('sales_manager', north.id);
  foreign = await t.factories.user('sales_manager', south.id);
  const ceo = await t.factories.user('company_manager', null);
  await t.factories.account(anna);
  messageId = (await t.factories.message(anna)).id;
  [annaClient, colleagueClient, foreignClient, ceoClient] = await Promise.all([t.signIn(anna.email), t.signIn(colleague.email), t.signIn(foreign.email), t.signIn(ceo.email)]);
});
afterAll(() => t.close());

/** The answers these tests give stop anna's account (two complaints pass its limit): each fixture starts from a healthy one. */
const healthyAccount = () => knex('email_accounts').where({ owner_id: anna.id }).update({ health: 'ok', health_reason: null });

/** A done mailing of anna's to `count` new companies, every recipient sent; its ledger rows in order. */
async function sentMailing(count: number) {
  await healthyAccount();
  const companyIds: number[] = [];
  for (let i = 0; i < count; i++) companyIds.push((await t.factories.company(anna, { email: `r${++n}@feedback.test` })).id);
  const id = await makeMailing(t, { owner: anna, messageId, companyIds, state: 'done' });
  await markSent(knex, id, new Date(Date.now() - 3_600_000));
  const rows: { id: number; email: string; recipient_id: number }[] = await knex('mailing_recipients').where({ mailing_id: id }).orderBy('id').select('id', 'email', 'recipient_id');
  return { id, rows: rows.map((r) => ({ id: Number(r.id), email: r.email, recipientId: Number(r.recipient_id) })) };
}

/** The mailing's counters, and the same counted from its ledger: they must always agree. */
async function counters(id: number) {
  const m = await knex('mailings').where({ id }).first();
  const rows: { state: string; feedback: string | null }[] = await knex('mailing_recipients').where({ mailing_id: id }).select('state', 'feedback');
  const count = (f: (r: { state: string; feedback: string | null }) => boolean) => rows.filter(f).length;
  return {
    stored: { sent: Number(m.sent_count), failed: Number(m.failed_count), bounced: Number(m.bounced_count), complained: Number(m.complained_count), replied: Number(m.replied_count) },
    ledger: {
      sent: count((r) => r.state === 'sent'), failed: count((r) => r.state === 'failed'), bounced: count((r) => r.feedback === 'bounced' || r.feedback === 'soft_bounced'),
      complained: count((r) => r.feedback === 'complained'), replied: count((r) => r.feedback === 'replied'),
    },
  };
}

describe('the counters of a mailing', () => {
  // The list and the page show what the mailboxes answered, each recipient under its strongest
  // answer: a reply after a soft bounce counts as a reply, not as a bounce.
  it('shows bounced, complained and replied in the list, and the page counts each kind', async () => {
    const { id, rows } = await sentMailing(6);
    await recordFeedback(t.services.orm, rows[0].id, 'soft_bounce', { status: '4.2.2', note: 'Mailbox full' });
    await recordFeedback(t.services.orm, rows[1].id, 'hard_bounce', { status: '5.1.1', note: 'User unknown' });
    await recordFeedback(t.services.orm, rows[2].id, 'complaint');
    await recordFeedback(t.services.orm, rows[3].id, 'reply', { note: 'Tell me more' });
    await recordFeedback(t.services.orm, rows[4].id, 'auto_reply', { note: 'Out of office' });
    await recordFeedback(t.services.orm, rows[0].id, 'reply', { note: 'Got it after all' });

    const listed = (await annaClient.get(`/api/mailings?q=%23${id}`)).body.items[0];
    expect(listed).toMatchObject({ id, sent: 6, bounced: 1, complained: 1, replied: 2 });
    const page = await annaClient.get(`/api/mailings/${id}`);
    expect(page.status, page.text).toBe(200);
    expect(page.body).toMatchObject({ bounced: 1, complained: 1, replied: 2 });
    expect(page.body.progress.feedback).toEqual({ bounced: 1, soft_bounced: 0, complained: 1, replied: 2, auto_replied: 1 });
    const c = await counters(id);
    expect(c.stored).toEqual(c.ledger);
  });

  // "A reply stops mailing everyone at the same company" is chosen when the mailing is made, off
  // unless asked for, and shown with the mailing.
  it('keeps the stop-on-reply choice of Make Massmail, off by default', async () => {
    const ids = [(await t.factories.company(anna, { email: `stop${++n}@feedback.test` })).id];
    const on = await annaClient.post('/api/mailings', { messageId, start: 'paused', stopCompanyOnReply: true, selections: { company: { ids } } });
    expect(on.status, on.text).toBe(201);
    expect(on.body.mailings[0].stopCompanyOnReply).toBe(true);
    expect((await annaClient.get(`/api/mailings/${on.body.mailings[0].id}`)).body.stopCompanyOnReply).toBe(true);
    const off = await annaClient.post('/api/mailings', { messageId, start: 'paused', selections: { company: { ids } } });
    expect(off.body.mailings[0].stopCompanyOnReply).toBe(false);
    expect((await annaClient.post('/api/mailings', { messageId, stopCompanyOnReply: 'yes', selections: { company: { ids } } })).status).toBe(400);
  });
});

describe('the recipients tab', () => {
  // Each recipient shows its mailbox's answer with the status code and the diagnostic or the
  // reply's first lines; the tab filters by it; an address on the suppression list says why.
  it('filters by feedback and shows the diagnostic, the excerpt and the suppression reason', async () => {
    const { id, rows } = await sentMailing(4);
    await recordFeedback(t.services.orm, rows[0].id, 'hard_bounce', { status: '5.1.1', note: '550 5.1.1 <x>: user unknown' });
    await recordFeedback(t.services.orm, rows[1].id, 'reply', { note: 'Yes please, call me on Monday' });
    await recordFeedback(t.services.orm, rows[2].id, 'complaint');
    const em = t.services.orm.em.fork();
    em.create(SuppressionSchema, { email: rows[3].email, reason: 'unsubscribed', source: `mailing:${id}` });
    await em.flush();

    const bounced = await annaClient.get(`/api/mailings/${id}/recipients?feedback=bounced`);
    expect(bounced.status, bounced.text).toBe(200);
    expect(bounced.body.total).toBe(1);
    expect(bounced.body.items[0]).toMatchObject({
      email: rows[0].email, state: 'sent', feedback: 'bounced', feedbackStatus: '5.1.1', feedbackNote: '550 5.1.1 <x>: user unknown',
      suppression: { reason: 'hard_bounce', source: `mailing:${id}` },
    });
    expect(Date.parse(bounced.body.items[0].feedbackAt)).not.toBeNaN();
    const replied = (await annaClient.get(`/api/mailings/${id}/recipients?feedback=replied`)).body.items;
    expect(replied.map((r: { email: string; feedbackNote: string; suppression: unknown }) => [r.email, r.feedbackNote, r.suppression])).toEqual([[rows[1].email, 'Yes please, call me on Monday', null]]);
    const complained = (await annaClient.get(`/api/mailings/${id}/recipients?feedback=complained`)).body.items;
    expect(complained.map((r: { email: string; suppression: { reason: string } }) => [r.email, r.suppression.reason])).toEqual([[rows[2].email, 'complaint']]);
    expect((await annaClient.get(`/api/mailings/${id}/recipients?feedback=soft_bounced`)).body.total).toBe(0);

    const all = (await annaClient.get(`/api/mailings/${id}/recipients?sort=id`)).body.items as { email: string; feedback: string | null; suppression: { reason: string } | null }[];
    expect(all.map((r) => [r.feedback, r.suppression?.reason ?? null])).toEqual([['bounced', 'hard_bounce'], ['replied', null], ['complained', 'complaint'], [null, 'unsubscribed']]);
    expect((await annaClient.get(`/api/mailings/${id}/recipients?feedback=opened`)).status).toBe(400);
  });
});

describe('restarting the unsuccessful recipients', () => {
  // Soft-bounced recipients go back to the queue only when asked, off the sent and bounced
  // counters and without their feedback (the bounce stays in the history); hard-bounced,
  // complained and suppressed ones never do; the counters still equal the ledger's.
  it('takes back failed and soft-bounced recipients with exact counters, never the suppressed', async () => {
    const { id, rows } = await sentMailing(7);
    for (const i of [0, 1, 2]) await recordFeedback(t.services.orm, rows[i].id, 'soft_bounce', { status: '4.2.2', note: 'Mailbox full' });
    await recordFeedback(t.services.orm, rows[3].id, 'hard_bounce', { status: '5.1.1' });
    await recordFeedback(t.services.orm, rows[4].id, 'complaint');
    await recordFeedback(t.services.orm, rows[5].id, 'reply', { note: 'Thanks' });
    // Too many soft bounces: the intake suppressed the third address.
    await knex('suppressions').insert({ email: rows[2].email, reason: 'soft_bounces', source: `mailing:${id}`, created_at: new Date() });
    await knex('mailing_recipients').where({ id: rows[6].id }).update({ state: 'failed', sent_at: null, last_reply: '550 no such user' });
    await knex('mailings').where({ id }).update({ sent_count: 6, failed_count: 1, status: 'active_error' });
    const events = Number((await knex('feedback_events').where({ mailing_id: id }).count({ n: '*' }).first())!.n);

    const before = await annaClient.get(`/api/mailings/${id}`);
    expect(before.body).toMatchObject({ sent: 6, failed: 1, bounced: 4, complained: 1, replied: 1 });
    expect(before.body.progress.feedback).toMatchObject({ bounced: 1, soft_bounced: 3, complained: 1, replied: 1 });

    const res = await annaClient.post(`/api/mailings/${id}/restart`, { includeSoftBounced: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', sent: 4, failed: 0, bounced: 2, complained: 1, replied: 1 });
    expect(res.body.progress).toMatchObject({ pending: 3, sent: 4, failed: 0, feedback: { bounced: 1, soft_bounced: 1, complained: 1, replied: 1 } });
    const c = await counters(id);
    expect(c.stored).toEqual({ sent: 4, failed: 0, bounced: 2, complained: 1, replied: 1 });
    expect(c.stored).toEqual(c.ledger);

    const ledger = await knex('mailing_recipients').where({ mailing_id: id }).orderBy('id')
      .select('state', 'feedback', 'feedback_at', 'feedback_status', 'feedback_note', 'sent_at', 'attempts', 'attempts_before_restart', 'last_reply');
    for (const i of [0, 1]) {
      expect(ledger[i]).toMatchObject({ state: 'pending', feedback: null, feedback_at: null, feedback_status: null, feedback_note: null, sent_at: null, attempts: 1, attempts_before_restart: 1 });
    }
    expect(ledger.map((r) => [r.state, r.feedback])).toEqual([
      ['pending', null], ['pending', null], ['sent', 'soft_bounced'], ['sent', 'bounced'], ['sent', 'complained'], ['sent', 'replied'], ['pending', null],
    ]);
    expect(ledger[6].last_reply).toBe('550 no such user');
    // The history of what the mailboxes said stays.
    expect(Number((await knex('feedback_events').where({ mailing_id: id }).count({ n: '*' }).first())!.n)).toBe(events);
    const notes = (await annaClient.get(`/api/mailings/${id}/notifications`)).body.items.map((x: { text: string }) => x.text);
    expect(notes).toContain(`Restarted by ${anna.name} for 3 unsuccessful recipients (1 failed, 2 soft-bounced)`);

    // Nothing left to take back: the suppressed soft bounce stays where it is.
    const again = await annaClient.post(`/api/mailings/${id}/restart`, { includeSoftBounced: true });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(`Mailing #${id} has no failed or soft-bounced recipients to send again`);
  });

  // An uncertain send the recipient answered did arrive: sending it again would mail someone who
  // replied (or bounced, or is away) the same message twice.
  it('never takes back an uncertain recipient whose mailbox answered', async () => {
    const { id, rows } = await sentMailing(2);
    await knex('mailing_recipients').where({ id: rows[0].id }).update({ state: 'uncertain' });
    await knex('mailings').where({ id }).update({ sent_count: 1, uncertain_count: 1 });
    await recordFeedback(t.services.orm, rows[0].id, 'reply', { note: 'Call me' });
    const res = await annaClient.post(`/api/mailings/${id}/restart`, { includeUncertain: true });
    expect(res.status).toBe(409);
    expect(await knex('mailing_recipients').where({ id: rows[0].id }).first('state', 'feedback')).toEqual({ state: 'uncertain', feedback: 'replied' });
  });

  // Soft-bounced recipients are offered, not taken: a plain restart leaves them sent.
  it('leaves soft-bounced recipients alone unless asked', async () => {
    const { id, rows } = await sentMailing(2);
    await recordFeedback(t.services.orm, rows[0].id, 'soft_bounce', { status: '4.2.2' });
    const res = await annaClient.post(`/api/mailings/${id}/restart`, { includeUncertain: true });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe(`Mailing #${id} has no failed or uncertain recipients to send again`);
    expect(await knex('mailing_recipients').where({ id: rows[0].id }).first('state', 'feedback')).toEqual({ state: 'sent', feedback: 'soft_bounced' });
    expect((await counters(id)).stored).toMatchObject({ sent: 2, bounced: 1 });
  });
});

describe("a CRM record's mailbox feedback", () => {
  /** A done mailing of anna's to one record of `type`; its one ledger row. */
  async function mailedOnce(type: RecipientType, recipientId: number) {
    await healthyAccount();
    const em = t.services.orm.em.fork();
    const actor = { id: anna.id, role: anna.role, departmentId: anna.department!.id };
    const { mailings } = await createMailings(em, actor, { messageId, selections: { [type]: { ids: [recipientId] } }, start: 'active' }, await settingsRepository.get(em, ''), new Date());
    const mailing = mailings[0];
    await markSent(knex, mailing.id, new Date());
    await knex('mailings').where({ id: mailing.id }).update({ status: 'done', sent_count: 1 });
    const row = await knex('mailing_recipients').where({ mailing_id: mailing.id }).first('id');
    return { mailing, rowId: Number(row.id) };
  }

  // Replies with their excerpt, bounces with their status, complaints: newest first, from every
  // mailing that went to the record, and to that record only (a contact with the same id is
  // another recipient). Whoever may read the record may read it; another department gets 404.
  it('lists the history of a company, newest first, to those who may read the company', async () => {
    const company = await t.factories.company(anna, { email: `history${++n}@feedback.test` });
    const first = await mailedOnce('company', company.id);
    const second = await mailedOnce('company', company.id);
    await recordFeedback(t.services.orm, first.rowId, 'soft_bounce', { status: '4.2.2', note: 'Mailbox full', at: new Date(Date.now() - 120_000) });
    await recordFeedback(t.services.orm, second.rowId, 'reply', { note: 'Interested, send the price list', at: new Date(Date.now() - 60_000) });
    await recordFeedback(t.services.orm, first.rowId, 'complaint', { at: new Date() });
    // A contact's row that happens to carry the same recipient id.
    const contactOfSameId = await mailedOnce('contact', (await t.factories.contact(anna, company.id, { email: `same${++n}@feedback.test` })).id);
    await knex('mailing_recipients').where({ id: contactOfSameId.rowId }).update({ recipient_id: company.id });
    await recordFeedback(t.services.orm, contactOfSameId.rowId, 'hard_bounce', { status: '5.1.1' });

    const res = await annaClient.get(`/api/companies/${company.id}/feedback`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((e: { kind: string; status: string | null; note: string | null; mailing: { id: number } }) => [e.kind, e.status, e.note, e.mailing.id])).toEqual([
      ['complaint', null, null, first.mailing.id],
      ['reply', null, 'Interested, send the price list', second.mailing.id],
      ['soft_bounce', '4.2.2', 'Mailbox full', first.mailing.id],
    ]);
    expect(res.body.items[1]).toMatchObject({ email: company.email, mailing: { name: second.mailing.name } });
    expect(Date.parse(res.body.items[1].at)).not.toBeNaN();
    expect((await annaClient.get(`/api/companies/${company.id}/feedback?page=2&pageSize=2`)).body.items.map((e: { kind: string }) => e.kind)).toEqual(['soft_bounce']);

    expect((await colleagueClient.get(`/api/companies/${company.id}/feedback`)).body.total).toBe(3);
    expect((await ceoClient.get(`/api/companies/${company.id}/feedback`)).body.total).toBe(3);
    const foreignRes = await foreignClient.get(`/api/companies/${company.id}/feedback`);
    expect(foreignRes.status).toBe(404);
    expect(foreignRes.body.items).toBeUndefined();
  });

  // Contacts and leads have the same history, each of its own rows.
  it('lists the history of a contact and of a lead', async () => {
    const company = await t.factories.company(anna, { email: null });
    const contact = await t.factories.contact(anna, company.id, { email: `contact${++n}@feedback.test` });
    const lead = await t.factories.lead(anna, { email: `lead${++n}@feedback.test` });
    await recordFeedback(t.services.orm, (await mailedOnce('contact', contact.id)).rowId, 'reply', { note: 'Call me' });
    await recordFeedback(t.services.orm, (await mailedOnce('lead', lead.id)).rowId, 'hard_bounce', { status: '5.1.1', note: 'No such user' });
    expect((await annaClient.get(`/api/contacts/${contact.id}/feedback`)).body.items.map((e: { kind: string; note: string }) => [e.kind, e.note])).toEqual([['reply', 'Call me']]);
    expect((await annaClient.get(`/api/leads/${lead.id}/feedback`)).body.items.map((e: { kind: string; status: string }) => [e.kind, e.status])).toEqual([['hard_bounce', '5.1.1']]);
    expect((await foreignClient.get(`/api/leads/${lead.id}/feedback`)).status).toBe(404);
  });

  // A record that moved to another department keeps its history, but a mailing of the old
  // department is not named to readers who may not see it.
  it('does not name a mailing the reader may not see', async () => {
    const company = await t.factories.company(anna, { email: `moved${++n}@feedback.test` });
    const { mailing, rowId } = await mailedOnce('company', company.id);
    await recordFeedback(t.services.orm, rowId, 'reply', { note: 'Hello' });
    const em = t.services.orm.em.fork();
    await em.nativeUpdate(CompanySchema, { id: company.id }, { owner: foreign.id, department: foreign.department!.id });
    const seen = await foreignClient.get(`/api/companies/${company.id}/feedback`);
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body.items.map((e: { kind: string; mailing: unknown }) => [e.kind, e.mailing])).toEqual([['reply', null]]);
    expect((await ceoClient.get(`/api/companies/${company.id}/feedback`)).body.items[0].mailing).toEqual({ id: mailing.id, name: mailing.name });
    expect((await annaClient.get(`/api/companies/${company.id}/feedback`)).status).toBe(404);
  });
});
