import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import type { TestDb } from '../../support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { applyFeedback, applyFeedbackPage, type InboxAccount } from '../../../server/engine/feedback.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { EmailAccountSchema, FeedbackEventSchema, MailingEventSchema, MailingRecipientSchema, MailingSchema, SuppressionSchema, CompanySchema } from '../../../server/db/entities/index.js';
import type { Classified } from '../../../server/domain/feedback.js';
import type { User } from '../../../server/db/entities/user.entity.js';
import type { EmailAccount } from '../../../server/db/entities/email-account.entity.js';

/**
 * What an incoming message changes, through the real engine and MariaDB: mail is really sent
 * into an SMTP sink first, and the messages that come back are given as the classifier reads them.
 */

let t: TestApp;
let sink: SmtpSink;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));
let keys = 0;


const em = () => t.services.orm.em.fork();

/** A sales manager with `accounts` accounts, and a mailing to companies at these addresses, sent (or paused, unsent). */
async function mailingTo(emails: string[], opts: { owner?: User; accounts?: EmailAccount[]; send?: boolean; stopCompanyOnReply?: boolean; companyIds?: number[] } = {}) {
  const dept = opts.owner ? opts.owner.department!.id : (await t.factories.department()).id;
  const owner = opts.owner ?? (await t.factories.user('sales_manager', dept));
  const accounts = opts.accounts ?? [await t.factories.account(owner, { smtpPort: sink.port, dailyLimit: 10_000 })];
  const ids = opts.companyIds ?? [];
  for (const email of emails) ids.push((await t.factories.company(owner, { email })).id);
  const message = await t.factories.message(owner, { html: '<p>Hello {{ name }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>' });
  const e = em();
  const { mailings, reports } = await createMailings(e, { id: owner.id, role: 'sales_manager', departmentId: dept }, { messageId: message.id, selections: { company: { ids } }, start: opts.send === false ? 'paused' : 'active' }, await settingsRepository.get(e, ''), clock.now());
  expect(reports[0].errors).toEqual([]);
  const mailing = mailings[0];
  if (opts.stopCompanyOnReply) await em().nativeUpdate(MailingSchema, { id: mailing.id }, { stopCompanyOnReply: true });
  if (opts.send !== false) {
    const engine = testEngine(t, clock);
    for (const a of accounts) await engine.run(a.id);
    await engine.close();
  }
  return { owner, accounts, mailing, account: accounts[0] };
}

const ledger = (mailingId: number) => em().find(MailingRecipientSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } });
const mailingRow = (id: number) => em().findOneOrFail(MailingSchema, { id });
const suppression = (email: string) => em().findOne(SuppressionSchema, { email });
const notes = (mailingId: number) => em().find(MailingEventSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } });

const inbox = (account: EmailAccount): InboxAccount => ({ id: account.id, ownerId: account.owner.id, departmentId: account.department.id });

function message(over: Partial<Classified>): Classified {
  return { kind: 'unrelated', messageId: null, from: null, date: null, subject: '', refs: [], listId: null, recipients: [], excerpt: null, ...over };
}

/** Applies one message as the intake does; `key` names it (the same key is the same message read again). */
async function deliver(account: EmailAccount, classified: Classified, key = `k${++keys}`) {
  const engine = testEngine(t, clock);
  const applied = await applyFeedback(engine.ctx, em(), inbox(account), { folder: 'INBOX', uid: keys, key, classified });
  await engine.close();
  return { applied, events: engine.events };
}

const bounce = (email: string, messageId: string | null | undefined, severity: 'hard' | 'soft', status = severity === 'hard' ? '5.1.1' : '4.2.2') =>
  message({ kind: severity === 'hard' ? 'hard_bounce' : 'soft_bounce', refs: messageId ? [messageId] : [], recipients: [{ email, action: severity === 'hard' ? 'failed' : 'delayed', status, diagnostic: `smtp; 550 ${status} <${email}>: no such user`, remoteMta: null, severity }] });

// Both dialects: the feedback table's "inserted or already there" is asked differently of each.
describe.each(['mysql', 'sqlite'] as TestDb[])('on %s', (db) => {
  beforeAll(async () => {
    [t, sink] = await Promise.all([initTestApp({ db }), startSmtpSink()]);
    await alwaysOpen(t);
  });
  afterAll(async () => {
    await sink.stop();
    await t.close();
  });

  describe('a hard bounce', () => {
    it('marks the recipient bounced, suppresses the address, counts it and flags the mailing, once', async () => {
      const { mailing, account } = await mailingTo(['gone@hb.test', 'fine@hb.test']);
      const [gone, fine] = await ledger(mailing.id);
      expect(gone.state).toBe('sent');
      const dsn = bounce('gone@hb.test', gone.messageId, 'hard');
      const { applied, events } = await deliver(account, dsn, 'dsn-1');
      expect(applied.rows).toEqual([gone.id]);

      const [after, untouched] = await ledger(mailing.id);
      expect(after).toMatchObject({ state: 'sent', feedback: 'bounced', feedbackStatus: '5.1.1', feedbackNote: expect.stringContaining('no such user') });
      expect(untouched.feedback).toBeNull();
      expect(await suppression('gone@hb.test')).toMatchObject({ reason: 'hard_bounce', source: `mailing:${mailing.id}` });
      expect(await mailingRow(mailing.id)).toMatchObject({ bouncedCount: 1, sentCount: 2 });
      expect((await notes(mailing.id)).filter((n) => n.kind === 'bounced')).toHaveLength(1);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['recipient.feedback', 'mailing.notification']));
      expect(fine.feedback).toBeNull();

      // The same message read again (a crash before the cursor moved) changes nothing.
      const again = await deliver(account, dsn, 'dsn-1');
      expect(again.applied.rows).toEqual([]);
      expect(again.events).toEqual([]);
      expect(await mailingRow(mailing.id)).toMatchObject({ bouncedCount: 1 });
      expect((await notes(mailing.id)).filter((n) => n.kind === 'bounced')).toHaveLength(1);
    });

    // The same bounce read from one mailbox by each of the owner's alias accounts is one answer.
    it('read by several of the owner\'s accounts notifies once', async () => {
      const { mailing, account, owner } = await mailingTo(['twice@hb8.test']);
      const alias = await t.factories.account(owner, { smtpPort: sink.port });
      const [row] = await ledger(mailing.id);
      await deliver(account, bounce(row.email, row.messageId, 'hard'), 'hb8');
      const again = await deliver(alias, bounce(row.email, row.messageId, 'hard'), 'hb8');
      expect(again.events).toEqual([]);
      expect((await notes(mailing.id)).filter((n) => n.kind === 'bounced')).toHaveLength(1);
    });

    it('turns a running mailing to "active with errors"', async () => {
      const { mailing, account } = await mailingTo(['x1@hb2.test', 'x2@hb2.test', 'x3@hb2.test']);
      await em().nativeUpdate(MailingSchema, { id: mailing.id }, { status: 'active' });
      const [row] = await ledger(mailing.id);
      await deliver(account, bounce(row.email, row.messageId, 'hard'));
      expect((await mailingRow(mailing.id)).status).toBe('active_error');
    });

    it('is found by the mailing its List-Id names and the address, when the Message-ID is not returned', async () => {
      const { mailing, account } = await mailingTo(['nomid@hb3.test']);
      await deliver(account, { ...bounce('nomid@hb3.test', null, 'hard'), listId: `mailing-${mailing.id}.localhost` });
      expect((await ledger(mailing.id))[0].feedback).toBe('bounced');
    });

    // A List-Id is the stranger's word: it may pick among the rows this account mailed, never reach
    // a row it did not send (still queued, or another account's).
    it('naming a mailing by its List-Id touches no row this account has not sent', async () => {
      const paused = await mailingTo(['queued@hb6.test'], { send: false });
      const other = await t.factories.account(paused.owner, { smtpPort: sink.port, dailyLimit: 10_000 });
      const { applied } = await deliver(other, { ...bounce('queued@hb6.test', null, 'hard'), listId: `mailing-${paused.mailing.id}.localhost` });
      expect(applied.rows).toEqual([]);
      expect((await ledger(paused.mailing.id))[0]).toMatchObject({ state: 'pending', feedback: null });
      expect(await suppression('queued@hb6.test')).toBeNull();
      expect((await deliver(paused.account, { ...bounce('queued@hb6.test', null, 'hard'), listId: `mailing-${paused.mailing.id}.localhost` })).applied.rows).toEqual([]);
      expect(await suppression('queued@hb6.test')).toBeNull();
    });

    it('cannot touch another owner\'s mail: a forged bounce naming their Message-ID changes nothing', async () => {
      const victim = await mailingTo(['victim@hb4.test']);
      const attacker = await mailingTo(['someone@hb4.test']);
      const [row] = await ledger(victim.mailing.id);
      const { applied } = await deliver(attacker.account, bounce('victim@hb4.test', row.messageId, 'hard'));
      expect(applied.rows).toEqual([]);
      expect((await ledger(victim.mailing.id))[0].feedback).toBeNull();
      expect(await suppression('victim@hb4.test')).toBeNull();
    });

    // Each message Mailroom sends has one recipient, so a genuine report about one lists that one
    // address. A report listing several is someone else's mail, or a forgery: were each address
    // looked up among the account's recent recipients, one message could suppress a hundred
    // addresses and stop the account.
    it('listing several addresses acts only on the one our Message-ID names', async () => {
      const { mailing, account } = await mailingTo(['named@hb7.test', 'listed1@hb7.test', 'listed2@hb7.test']);
      const [named] = await ledger(mailing.id);
      const recipients = ['named@hb7.test', 'listed1@hb7.test', 'listed2@hb7.test'].map((email) => bounce(email, null, 'hard').recipients[0]);
      const { applied } = await deliver(account, message({ kind: 'hard_bounce', refs: [named.messageId!], listId: `mailing-${mailing.id}.localhost`, recipients }));
      expect(applied.rows).toEqual([named.id]);
      expect(await suppression('listed1@hb7.test')).toBeNull();
      const forged = await deliver(account, message({ kind: 'hard_bounce', listId: `mailing-${mailing.id}.localhost`, recipients: recipients.slice(1) }));
      expect(forged.applied.rows).toEqual([]);
      expect((await ledger(mailing.id)).map((r) => r.feedback)).toEqual(['bounced', null, null]);
      expect(await suppression('listed2@hb7.test')).toBeNull();
    });

    it('reads at most 100 addresses of a report that lists thousands', async () => {
      const { mailing, account } = await mailingTo(['last@hb5.test']);
      const recipients = Array.from({ length: 5000 }, (_, i) => ({ email: `n${i}@nowhere.test`, action: 'failed', status: '5.1.1', diagnostic: null, remoteMta: null, severity: 'hard' as const }));
      recipients.push({ email: 'last@hb5.test', action: 'failed', status: '5.1.1', diagnostic: null, remoteMta: null, severity: 'hard' });
      const { applied } = await deliver(account, message({ kind: 'hard_bounce', recipients }));
      expect(applied.rows).toEqual([]);
      expect((await ledger(mailing.id))[0].feedback).toBeNull();
    });
  });

  describe('soft bounces', () => {
    it('are recorded, and suppress the address only after five over at least a week', async () => {
      const { mailing, account } = await mailingTo(['full@sb.test']);
      const [row] = await ledger(mailing.id);
      const start = clock.t;
      for (let i = 0; i < 5; i++) {
        await deliver(account, bounce('full@sb.test', row.messageId, 'soft'));
        expect(await suppression('full@sb.test')).toBeNull();
        clock.t += 36 * 3_600_000;
      }
      expect((await ledger(mailing.id))[0]).toMatchObject({ feedback: 'soft_bounced', feedbackStatus: '4.2.2' });
      expect(await mailingRow(mailing.id)).toMatchObject({ bouncedCount: 1 });
      // Five within six days: not yet. The sixth, past a week after the first, suppresses.
      clock.t = start + 7 * 86_400_000;
      await deliver(account, bounce('full@sb.test', row.messageId, 'soft'));
      expect(await suppression('full@sb.test')).toMatchObject({ reason: 'soft_bounces' });
    });

    // An owner's accounts are often aliases of one mailbox, each with the same incoming settings:
    // every copy of a bounce is then read once per account, and must count once.
    it('count each bounce once, however many of the owner\'s accounts read it', async () => {
      const { mailing, account, owner } = await mailingTo(['full@sb3.test']);
      const aliases = [account, await t.factories.account(owner, { smtpPort: sink.port }), await t.factories.account(owner, { smtpPort: sink.port })];
      const [row] = await ledger(mailing.id);
      const start = clock.t;
      for (const key of ['sb3-first', 'sb3-second']) {
        for (const alias of aliases) await deliver(alias, bounce('full@sb3.test', row.messageId, 'soft'), key);
        clock.t += 8 * 86_400_000;
      }
      clock.t = start;
      expect(await suppression('full@sb3.test')).toBeNull();
    });

    it('give way to a hard bounce, which counts once in the bounced counter', async () => {
      const { mailing, account } = await mailingTo(['soon-gone@sb2.test']);
      const [row] = await ledger(mailing.id);
      await deliver(account, bounce(row.email, row.messageId, 'soft'));
      await deliver(account, bounce(row.email, row.messageId, 'hard'));
      expect((await ledger(mailing.id))[0].feedback).toBe('bounced');
      expect(await mailingRow(mailing.id)).toMatchObject({ bouncedCount: 1 });
    });
  });

  describe('a reply', () => {
    it('marks the recipient replied and stops the owner\'s other mailings to that address, not other owners\'', async () => {
      const first = await mailingTo(['talker@r.test', 'other@r.test']);
      const queued = await mailingTo(['talker@r.test', 'other@r.test'], { owner: first.owner, accounts: first.accounts, send: false });
      const someoneElses = await mailingTo(['talker@r.test'], { send: false });
      const [row] = await ledger(first.mailing.id);
      const { applied } = await deliver(first.account, message({ kind: 'reply', from: 'talker@r.test', refs: [row.messageId!], excerpt: 'Yes, call me on Monday' }));
      expect(applied.stopped).toBe(1);
      expect((await ledger(first.mailing.id))[0]).toMatchObject({ feedback: 'replied', feedbackNote: 'Yes, call me on Monday' });
      expect(await mailingRow(first.mailing.id)).toMatchObject({ repliedCount: 1 });
      const [stopped, kept] = await ledger(queued.mailing.id);
      expect(stopped).toMatchObject({ state: 'skipped', outcome: { code: 'replied', email: 'talker@r.test', on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }, lastReply: null });
      expect(kept.state).toBe('pending');
      expect(await mailingRow(queued.mailing.id)).toMatchObject({ skippedCount: 1 });
      expect((await ledger(someoneElses.mailing.id))[0].state).toBe('pending');
      // A reply is not a suppression: the owner may still write to them.
      expect(await suppression('talker@r.test')).toBeNull();
    });

    it('is matched by its sender among the account\'s recent recipients when it names no Message-ID', async () => {
      const { mailing, account } = await mailingTo(['plain@r2.test']);
      await deliver(account, message({ kind: 'reply', from: 'plain@r2.test', excerpt: 'Interested' }));
      expect((await ledger(mailing.id))[0].feedback).toBe('replied');
    });

    it('is not a message written before the mail was sent (an old conversation in a mailbox read for the first time)', async () => {
      const { mailing, account } = await mailingTo(['old-friend@r4.test']);
      const { applied } = await deliver(account, message({ kind: 'reply', from: 'old-friend@r4.test', date: new Date(clock.t - 3 * 86_400_000), excerpt: 'About last month' }));
      expect(applied.rows).toEqual([]);
      expect((await ledger(mailing.id))[0].feedback).toBeNull();
    });

    it('stops everyone at the company when the mailing asks for it', async () => {
      const owner = await t.factories.user('sales_manager', (await t.factories.department()).id);
      const company = await t.factories.company(owner, { email: 'office@acme.test' });
      const accounts = [await t.factories.account(owner, { smtpPort: sink.port, dailyLimit: 10_000 })];
      const contactOf = (email: string) => t.factories.contact(owner, company.id, { email });
      const boss = await contactOf('boss@acme.test');
      const colleague = await contactOf('colleague@acme.test');
      const outsider = await t.factories.company(owner, { email: 'out@elsewhere.test' });
      // The contacts' mailing was sent and asked for company-wide stops; a companies mailing is still queued.
      const e = em();
      const msg = await t.factories.message(owner);
      const settings = await settingsRepository.get(e, '');
      const actor = { id: owner.id, role: 'sales_manager' as const, departmentId: owner.department!.id };
      const sent = (await createMailings(e, actor, { messageId: msg.id, selections: { contact: { ids: [boss.id] } }, start: 'active' }, settings, clock.now())).mailings[0];
      await em().nativeUpdate(MailingSchema, { id: sent.id }, { stopCompanyOnReply: true });
      const engine = testEngine(t, clock);
      await engine.run(accounts[0].id);
      await engine.close();
      const queuedContacts = (await createMailings(em(), actor, { messageId: msg.id, selections: { contact: { ids: [colleague.id] } }, start: 'paused' }, settings, clock.now())).mailings[0];
      const queuedCompanies = (await createMailings(em(), actor, { messageId: msg.id, selections: { company: { ids: [company.id, outsider.id] } }, start: 'paused' }, settings, clock.now())).mailings[0];

      const [row] = await ledger(sent.id);
      const { applied } = await deliver(accounts[0], message({ kind: 'reply', from: 'boss@acme.test', refs: [row.messageId!], excerpt: 'Let us talk' }));
      expect(applied.stopped).toBe(2);
      expect((await ledger(queuedContacts.id)).map((r) => r.state)).toEqual(['skipped']);
      const companies = await ledger(queuedCompanies.id);
      expect(Object.fromEntries(companies.map((r) => [r.email, r.state]))).toEqual({ 'office@acme.test': 'skipped', 'out@elsewhere.test': 'pending' });
      expect(await em().findOneOrFail(CompanySchema, { id: company.id })).toBeTruthy();
    });

    it('from someone never mailed changes nothing', async () => {
      const { mailing, account } = await mailingTo(['known@r3.test']);
      const { applied, events } = await deliver(account, message({ kind: 'reply', from: 'stranger@r3.test', refs: ['<not-ours@elsewhere.test>'], excerpt: 'hi' }));
      expect(applied).toMatchObject({ rows: [], suppressed: [], stopped: 0 });
      expect(events).toEqual([]);
      expect((await ledger(mailing.id))[0].feedback).toBeNull();
    });
  });

  describe('an auto-reply', () => {
    it('is recorded on the row, never counts as a reply and stops nothing', async () => {
      const first = await mailingTo(['away@ar.test']);
      const queued = await mailingTo(['away@ar.test'], { owner: first.owner, accounts: first.accounts, send: false });
      const [row] = await ledger(first.mailing.id);
      const { applied } = await deliver(first.account, message({ kind: 'auto_reply', from: 'away@ar.test', refs: [row.messageId!], excerpt: 'I am out of the office until Monday' }));
      expect(applied.stopped).toBe(0);
      expect((await ledger(first.mailing.id))[0].feedback).toBe('auto_replied');
      expect(await mailingRow(first.mailing.id)).toMatchObject({ repliedCount: 0 });
      expect((await ledger(queued.mailing.id))[0].state).toBe('pending');
      // A real reply after it wins.
      await deliver(first.account, message({ kind: 'reply', from: 'away@ar.test', refs: [row.messageId!], excerpt: 'Back now' }));
      expect((await ledger(first.mailing.id))[0].feedback).toBe('replied');
    });
  });

  describe('a complaint', () => {
    it('suppresses the address and counts against the mailing', async () => {
      const { mailing, account } = await mailingTo(['angry@c.test']);
      const [row] = await ledger(mailing.id);
      await deliver(account, message({ kind: 'complaint', refs: [row.messageId!], recipients: [{ email: 'angry@c.test', action: null, status: null, diagnostic: null, remoteMta: null, severity: 'hard' }] }));
      expect((await ledger(mailing.id))[0].feedback).toBe('complained');
      expect(await suppression('angry@c.test')).toMatchObject({ reason: 'complaint' });
      expect(await mailingRow(mailing.id)).toMatchObject({ complainedCount: 1 });
    });
  });

  // Feedback loops (Yahoo, Microsoft, AOL…) return the original message, our Message-ID in it; a
  // report that names only an address is anyone's word, and two of them stop an account.
  describe('a complaint naming no Message-ID of ours', () => {
    it('changes nothing, however many arrive', async () => {
      const { mailing, account } = await mailingTo(['framed1@c2.test', 'framed2@c2.test']);
      for (const email of ['framed1@c2.test', 'framed2@c2.test']) {
        const { applied } = await deliver(account, message({ kind: 'complaint', listId: `mailing-${mailing.id}.localhost`, recipients: [{ email, action: null, status: null, diagnostic: null, remoteMta: null, severity: 'hard' }] }));
        expect(applied.rows).toEqual([]);
        expect(await suppression(email)).toBeNull();
      }
      expect((await ledger(mailing.id)).map((r) => r.feedback)).toEqual([null, null]);
      expect((await em().findOneOrFail(EmailAccountSchema, { id: account.id })).health).not.toBe('complaint_rate');
    });
  });

  describe('a mailto unsubscribe', () => {
    it('suppresses the sender and clears the CRM record\'s opt-in', async () => {
      const { mailing, account } = await mailingTo(['bye@u.test']);
      await deliver(account, message({ kind: 'unsubscribe', from: 'bye@u.test' }));
      expect(await suppression('bye@u.test')).toMatchObject({ reason: 'unsubscribed' });
      const [row] = await ledger(mailing.id);
      expect((await em().findOneOrFail(CompanySchema, { id: row.recipientId })).massMailing).toBe(false);
    });
  });

  describe('a page of messages', () => {
    it("acts in the page's order, as one message after the other would: the strongest feedback stays, a copy acts once, counters move once", async () => {
      const { mailing, account } = await mailingTo(['a@page.test', 'b@page.test', 'c@page.test']);
      const [a, b] = await ledger(mailing.id);
      const reply = message({ kind: 'reply', from: 'a@page.test', refs: [a.messageId!], excerpt: 'Yes please' });
      const page: [string, Classified][] = [
        ['p1', bounce('a@page.test', a.messageId, 'soft')],
        // A reply after a soft bounce says the message arrived after all.
        ['p2', reply],
        ['p3', bounce('b@page.test', b.messageId, 'hard')],
        // The same message twice in one page (copied into the folder): it acts once.
        ['p2', reply],
        // Weaker than the bounce before it: recorded, changes nothing.
        ['p5', message({ kind: 'auto_reply', from: 'b@page.test', refs: [b.messageId!] })],
        ['p6', message({ kind: 'unrelated' })],
      ];
      const engine = testEngine(t, clock);
      const applied = await applyFeedbackPage(engine.ctx, em(), inbox(account), page.map(([key, classified], i) => ({ folder: 'INBOX', uid: i + 1, key, classified })));
      await engine.close();

      expect(applied.messages.map((m) => m.rows)).toEqual([[a.id], [a.id], [b.id], [], [], []]);
      expect(applied.messages.map((m) => m.suppressed)).toEqual([[], [], ['b@page.test'], [], [], []]);
      expect((await ledger(mailing.id)).map((r) => r.feedback)).toEqual(['replied', 'bounced', null]);
      expect(await mailingRow(mailing.id)).toMatchObject({ bouncedCount: 1, repliedCount: 1 });
      expect(await em().count(FeedbackEventSchema, { account: account.id })).toBe(4);
      expect((await notes(mailing.id)).filter((n) => n.kind === 'replied' || n.kind === 'bounced').map((n) => n.recipientEmail)).toEqual(['a@page.test', 'b@page.test']);
      expect(engine.events.filter((e) => e.type === 'recipient.feedback').map((e) => e.type === 'recipient.feedback' && e.feedback)).toEqual(['soft_bounced', 'replied', 'bounced']);
    });
  });

  describe('account protection', () => {
    it('switches an account off when its hard bounces pass 5% of its recent sends, and moves its queue', async () => {
      const emails = Array.from({ length: 40 }, (_, i) => `p${i}@prot.test`);
      const { owner, accounts, mailing } = await mailingTo(emails, { accounts: undefined });
      const [account] = accounts;
      const spare = await t.factories.account(owner, { smtpPort: sink.port, dailyLimit: 10_000 });
      const queued = await mailingTo(['later@prot.test'], { owner, accounts: [account], send: false });
      // Pin the queued row to the account that is about to be stopped.
      await em().nativeUpdate(MailingRecipientSchema, { mailing: queued.mailing.id }, { account: account.id });
      const rows = await ledger(mailing.id);
      for (const row of rows.slice(0, 4)) await deliver(account, bounce(row.email, row.messageId, 'hard'));
      expect((await em().findOneOrFail(EmailAccountSchema, { id: account.id })).health).not.toBe('bounce_rate');
      const { applied } = await deliver(account, bounce(rows[4].email, rows[4].messageId, 'hard'));
      expect(applied.accountStopped).toBe(true);
      const stopped = await em().findOneOrFail(EmailAccountSchema, { id: account.id });
      expect(stopped).toMatchObject({ health: 'bounce_rate', healthReason: expect.stringContaining('5 hard bounces over its last 40 messages'), healthDetail: { code: 'bounce_rate', events: 5, sends: 40, limit: 5 } });
      expect((await ledger(queued.mailing.id))[0].account?.id).toBe(spare.id);
    });
  });
});
