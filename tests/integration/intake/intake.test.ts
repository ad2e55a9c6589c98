import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { readInbox, type IntakeContext } from '../../../server/engine/intake.js';
import { imapMailboxes } from '../../../server/mail/imap-mailbox.js';
import { classifyMessage } from '../../../server/mail/feedback/classify.js';
import { sinkAnswers } from '../../../server/mail/sink-responder.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { EmailAccountSchema, FeedbackEventSchema, InboxSchema, MailingEventSchema, MailingRecipientSchema, MailingSchema, SuppressionSchema } from '../../../server/db/entities/index.js';
import type { DomainEvent } from '../../../server/domain/events.js';
import type { EmailAccount } from '../../../server/db/entities/email-account.entity.js';
import type { User } from '../../../server/db/entities/user.entity.js';
import type { MailingRecipient } from '../../../server/db/entities/mailing-recipient.entity.js';

/**
 * The whole loop with real parts: a mailing sent through the engine into an SMTP sink, the
 * answers a real world would give appended to the sender's mailbox on a real dovecot, read by
 * the intake over IMAP and classified by the real classifier.
 */

const SENDER = 'anna@mailroom.test';
const PASSWORD = 'imap-secret';
let t: TestApp;
let sink: SmtpSink;
let dovecot: Dovecot;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  [t, sink, dovecot] = await Promise.all([initTestApp(), startSmtpSink(), startDovecot({ [SENDER]: PASSWORD, 'ben@mailroom.test': PASSWORD, 'busy@mailroom.test': PASSWORD })]);
  await alwaysOpen(t);
});
afterAll(async () => {
  await Promise.all([sink.stop(), dovecot.stop()]);
  await t.close();
});

const em = () => t.services.orm.em.fork();

/** A sales manager whose account sends into the sink and reads `user`'s mailbox on dovecot. */
async function accountWithInbox(user: string, over: Partial<{ folders: string[]; bounceFolder: string | null }> = {}) {
  const owner = await t.factories.user('sales_manager', (await t.factories.department()).id);
  const account = await t.factories.account(owner, { smtpPort: sink.port, fromEmail: user, smtpUser: user, dailyLimit: 10_000 });
  const e = em();
  const inbox = e.create(InboxSchema, {
    account: account.id, kind: 'imap', host: '127.0.0.1', port: dovecot.port, security: 'none', user, passwordEnc: t.services.secrets.encrypt(PASSWORD),
    folders: over.folders ?? ['INBOX'], bounceFolder: over.bounceFolder ?? null,
  });
  await e.flush();
  return { owner, account, inbox };
}

/** A mailing from `account` to companies at these addresses, sent through the engine; its ledger rows by address. */
async function send(owner: User, account: EmailAccount, emails: string[]) {
  const ids = [];
  for (const email of emails) ids.push((await t.factories.company(owner, { email })).id);
  const message = await t.factories.message(owner, { subject: 'Autumn update', html: '<p>Hello {{ name }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>' });
  const e = em();
  const { mailings } = await createMailings(e, { id: owner.id, role: 'sales_manager', departmentId: account.department.id }, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(e, ''), clock.now());
  const engine = testEngine(t, clock);
  await engine.run(account.id);
  await engine.close();
  const rows = await em().find(MailingRecipientSchema, { mailing: mailings[0].id });
  return { mailingId: mailings[0].id, row: Object.fromEntries(rows.map((r) => [r.email, r])) as Record<string, MailingRecipient> };
}

/** The original as a bounce returns it: the header block of the message sent for a ledger row. */
function original(row: MailingRecipient) {
  const headers = [`From: ${SENDER}`, `To: ${row.email}`, 'Subject: Autumn update', `Message-ID: ${row.messageId}`, `List-Id: <mailing-${row.mailing.id}.localhost>`].join('\r\n');
  return { from: SENDER, to: [row.email], messageId: row.messageId ?? null, subject: 'Autumn update', headers };
}

/** The answer a demo-style address gives (sink-responder writes them as real MTAs and clients do), for any address. */
const answer = (row: MailingRecipient, kind: 'no-such-user' | 'mailbox-full' | 'on-holiday' | 'happy-customer') => {
  const o = original(row);
  const [a] = sinkAnswers({ ...o, to: [`${kind}.x@example.test`] }, clock.now());
  return a.raw.toString().replaceAll(`${kind}.x@example.test`, row.email);
};

const complaint = (row: MailingRecipient) => {
  const o = original(row);
  return [
    'From: feedback@arf.mail.example', `To: ${SENDER}`, 'Subject: Spam report', 'Message-ID: <arf-1@arf.mail.example>', 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b"', '',
    '--b', 'Content-Type: text/plain', '', 'This is an email abuse report.', '',
    '--b', 'Content-Type: message/feedback-report', '', 'Feedback-Type: abuse', 'User-Agent: SomeGenerator/1.0', 'Version: 1', `Original-Rcpt-To: ${row.email}`, '',
    '--b', 'Content-Type: text/rfc822-headers', '', o.headers, '', '--b--', '',
  ].join('\r\n');
};

const stranger = ['From: Someone <someone@unknown.example>', `To: ${SENDER}`, 'Subject: Hello', 'Message-ID: <x1@unknown.example>', '', 'We have never met.', ''].join('\r\n');

function intake(events: DomainEvent[]): IntakeContext {
  const { ctx } = testEngine(t, clock);
  return { ...ctx, events: { emit: (e) => events.push(e) }, mailboxes: imapMailboxes, classify: classifyMessage };
}

async function readOnce(ctx: IntakeContext, inboxId: number) {
  const result = await readInbox(ctx, inboxId, { deadline: 0, stopping: () => false });
  if (!result) throw new Error(`inbox ${inboxId} is gone`);
  return result;
}

describe('the intake over IMAP', () => {
  it('reads every kind of answer, acts on each, and leaves the mailbox as it found it', async () => {
    const { owner, account, inbox } = await accountWithInbox(SENDER);
    const emails = ['gone@e2e.test', 'full@e2e.test', 'away@e2e.test', 'talker@e2e.test', 'angry@e2e.test', 'quiet@e2e.test'];
    const { mailingId, row } = await send(owner, account, emails);
    for (const raw of [answer(row['gone@e2e.test'], 'no-such-user'), answer(row['full@e2e.test'], 'mailbox-full'), answer(row['away@e2e.test'], 'on-holiday'), answer(row['talker@e2e.test'], 'happy-customer'), complaint(row['angry@e2e.test']), stranger]) {
      await dovecot.append(SENDER, 'INBOX', raw);
    }
    const before = await dovecot.uids(SENDER, 'INBOX');

    const events: DomainEvent[] = [];
    const result = await readOnce(intake(events), inbox.id);
    expect(result).toMatchObject({ read: 6, acted: 5, health: 'ok' });

    const rows = Object.fromEntries((await em().find(MailingRecipientSchema, { mailing: mailingId })).map((r) => [r.email, r]));
    expect(rows['gone@e2e.test']).toMatchObject({ feedback: 'bounced', feedbackStatus: '5.1.1' });
    expect(rows['full@e2e.test']).toMatchObject({ feedback: 'soft_bounced', feedbackStatus: '4.2.2' });
    expect(rows['away@e2e.test'].feedback).toBe('auto_replied');
    expect(rows['talker@e2e.test']).toMatchObject({ feedback: 'replied', feedbackNote: expect.stringContaining('send me a quote') });
    expect(rows['angry@e2e.test'].feedback).toBe('complained');
    expect(rows['quiet@e2e.test'].feedback).toBeNull();

    const suppressed = Object.fromEntries((await em().find(SuppressionSchema, { email: { $in: emails } })).map((s) => [s.email, s.reason]));
    expect(suppressed).toEqual({ 'gone@e2e.test': 'hard_bounce', 'angry@e2e.test': 'complaint' });
    expect(await em().findOneOrFail(MailingSchema, { id: mailingId })).toMatchObject({ bouncedCount: 2, repliedCount: 1, complainedCount: 1, sentCount: 6 });
    const kinds = (await em().find(MailingEventSchema, { mailing: mailingId })).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['bounced', 'replied', 'complained']));
    expect(events.filter((e) => e.type === 'recipient.feedback').map((e) => e.type === 'recipient.feedback' && e.feedback).sort()).toEqual(['auto_replied', 'bounced', 'complained', 'replied', 'soft_bounced']);
    expect(events.some((e) => e.type === 'inbox.health' && e.health === 'ok')).toBe(true);

    // Nothing marked read, moved or deleted.
    expect(await dovecot.uids(SENDER, 'INBOX')).toEqual(before);
    for (const flags of (await dovecot.flags(SENDER, 'INBOX')).values()) expect(flags).not.toContain('\\Seen');

    // Read again: nothing new, nothing done twice.
    const again: DomainEvent[] = [];
    expect(await readOnce(intake(again), inbox.id)).toMatchObject({ read: 0, acted: 0 });
    expect(await em().count(FeedbackEventSchema, { account: account.id })).toBe(5);
  });

  it('takes an answer that only says "unsubscribe" as an unsubscribe, not as a reply', async () => {
    const user = 'ben@mailroom.test';
    const { owner, account, inbox } = await accountWithInbox(user);
    const { mailingId, row } = await send(owner, account, ['leave-me@unsub.test']);
    const raw = [`From: leave-me@unsub.test`, `To: ${user}`, 'Subject: Re: Autumn update', 'Message-ID: <u1@unsub.test>', `In-Reply-To: ${row['leave-me@unsub.test'].messageId}`, '', 'Unsubscribe please', '', '> Hello', ''].join('\r\n');
    await dovecot.append(user, 'INBOX', raw);
    await readOnce(intake([]), inbox.id);
    expect(await em().findOne(SuppressionSchema, { email: 'leave-me@unsub.test' })).toMatchObject({ reason: 'unsubscribed' });
    expect(await em().findOneOrFail(MailingSchema, { id: mailingId })).toMatchObject({ repliedCount: 0 });
  });

  it('turns the incoming side red with the reason when the password is wrong, and green again once it is right', async () => {
    const { inbox } = await accountWithInbox('ben@mailroom.test');
    await em().nativeUpdate(InboxSchema, { id: inbox.id }, { passwordEnc: t.services.secrets.encrypt('wrong') });
    const events: DomainEvent[] = [];
    expect((await readOnce(intake(events), inbox.id)).health).toBe('auth_failed');
    expect(await em().findOneOrFail(InboxSchema, { id: inbox.id })).toMatchObject({ health: 'auth_failed', healthReason: expect.any(String) });
    expect(events).toEqual([expect.objectContaining({ type: 'inbox.health', health: 'auth_failed' })]);
    await em().nativeUpdate(InboxSchema, { id: inbox.id }, { passwordEnc: t.services.secrets.encrypt(PASSWORD) });
    expect((await readOnce(intake(events), inbox.id)).health).toBe('ok');
    expect((await em().findOneOrFail(InboxSchema, { id: inbox.id })).lastReadAt).toBeInstanceOf(Date);
  });

  it('moves processed bounces to the folder the owner opted in to, and nothing else', async () => {
    const user = 'ben@mailroom.test';
    await dovecot.createFolder(user, 'Bounces');
    const { owner, account, inbox } = await accountWithInbox(user, { bounceFolder: 'Bounces' });
    const { row } = await send(owner, account, ['dead@move.test', 'alive@move.test']);
    const start = (await dovecot.uids(user, 'INBOX')).length;
    await dovecot.append(user, 'INBOX', answer(row['dead@move.test'], 'no-such-user').replaceAll(SENDER, user));
    await dovecot.append(user, 'INBOX', answer(row['alive@move.test'], 'happy-customer').replaceAll(SENDER, user));
    await readOnce(intake([]), inbox.id);
    expect((await dovecot.uids(user, 'Bounces')).length).toBe(1);
    expect((await dovecot.uids(user, 'INBOX')).length).toBe(start + 1);
  });

  // A mailbox with more than a run can read (a first read of years of mail, or a server that
  // never stops announcing messages) must not hold the run past its time or a graceful stop: the
  // run ends after the batch in hand, its cursor saved, and says the next run should come at once.
  it('ends after the batch in hand once its time is up or it is told to stop, and the next run goes on', async () => {
    const user = 'busy@mailroom.test';
    const { inbox } = await accountWithInbox(user);
    for (let i = 0; i < 5; i++) await dovecot.append(user, 'INBOX', stranger.replace('<x1@', `<busy${i}@`));
    const ctx = intake([]);
    const read = (run: { deadline: number; stopping: () => boolean }) => readInbox(ctx, inbox.id, { ...run, batch: 2 });
    expect(await read({ deadline: 0, stopping: () => false })).toMatchObject({ read: 2, more: true });
    expect(await read({ deadline: Date.now() + 60_000, stopping: () => true })).toMatchObject({ read: 2, more: true });
    expect(await read({ deadline: 0, stopping: () => false })).toMatchObject({ read: 1 });
    expect(await read({ deadline: 0, stopping: () => false })).toMatchObject({ read: 0, more: false });
  });

  it('stops an account whose hard bounces pass the limit', async () => {
    const user = 'ben@mailroom.test';
    const { owner, account, inbox } = await accountWithInbox(user);
    const emails = Array.from({ length: 20 }, (_, i) => `b${i}@breaker.test`);
    const { row } = await send(owner, account, emails);
    for (const email of emails.slice(0, 5)) await dovecot.append(user, 'INBOX', answer(row[email], 'no-such-user').replaceAll(SENDER, user));
    const events: DomainEvent[] = [];
    await readOnce(intake(events), inbox.id);
    expect(await em().findOneOrFail(EmailAccountSchema, { id: account.id })).toMatchObject({ health: 'bounce_rate' });
    expect(events.some((e) => e.type === 'account.health' && e.health === 'bounce_rate')).toBe(true);
  });
});
