import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { FeedbackEventSchema, InboxSchema, MailingEventSchema, MailingRecipientSchema, MailingSchema, SuppressionSchema } from '../../../server/db/entities/index.js';
import type { MailingRecipient } from '../../../server/db/entities/mailing-recipient.entity.js';
import type { DomainEvent } from '../../../server/domain/events.js';
import { knexOf } from '../../../server/db/knex.js';

/**
 * The intake stopped at the worst moment (a page's statements all run, its commit not) and started
 * again, and the folder renumbered under it (a new UIDVALIDITY): what is committed is whole pages,
 * every message acts exactly once, none is missed.
 */

const USER = 'crash@mailroom.test';
/** A folder of its own: IMAP lets no one delete INBOX, and the test deletes the folder. */
const FOLDER = 'Replies';
const PASSWORD = 'imap-secret';
let t: TestApp;
let sink: SmtpSink;
let dovecot: Dovecot;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  [t, sink, dovecot] = await Promise.all([initTestApp(), startSmtpSink(), startDovecot({ [USER]: PASSWORD })]);
  await alwaysOpen(t);
});
afterAll(async () => {
  await Promise.all([sink.stop(), dovecot.stop()]);
  await t.close();
});

const em = () => t.services.orm.em.fork();

class Crash extends Error {}

it('acts on every message exactly once across a crash and two renumberings of the folder', { timeout: 120_000 }, async () => {
  const owner = await t.factories.user('sales_manager', (await t.factories.department()).id);
  const account = await t.factories.account(owner, { smtpPort: sink.port, fromEmail: USER, smtpUser: USER, dailyLimit: 10_000 });
  const e = em();
  const inbox = e.create(InboxSchema, { account: account.id, kind: 'imap', host: '127.0.0.1', port: dovecot.port, security: 'none', user: USER, passwordEnc: t.services.secrets.encrypt(PASSWORD), folders: [FOLDER] });
  await e.flush();
  await dovecot.createFolder(USER, FOLDER);

  const emails = Array.from({ length: 31 }, (_, i) => `r${i}@crash.test`);
  const ids = [];
  for (const email of emails) ids.push((await t.factories.company(owner, { email })).id);
  const message = await t.factories.message(owner, { subject: 'Offer' });
  const { mailings } = await createMailings(e, { id: owner.id, role: 'sales_manager', departmentId: account.department.id }, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(e, ''), clock.now());
  const mailingId = mailings[0].id;
  const engine = testEngine(t, clock);
  await engine.run(account.id);
  await engine.close();
  const rows = Object.fromEntries((await em().find(MailingRecipientSchema, { mailing: mailingId })).map((r) => [r.email, r])) as Record<string, MailingRecipient>;

  // Ten hard bounces, ten soft, ten replies; the 31st address answers only at the very end.
  const kinds = ['no-such-user', 'mailbox-full', 'happy-customer'] as const;
  const answerFor = (email: string, kind: (typeof kinds)[number]) => {
    const row = rows[email];
    const headers = `From: ${USER}\r\nTo: ${email}\r\nSubject: Offer\r\nMessage-ID: ${row.messageId}`;
    const [a] = sinkAnswers({ from: USER, to: [`${kind}.x@example.test`], messageId: row.messageId ?? null, subject: 'Offer', headers }, clock.now());
    return a.raw.toString().replaceAll(`${kind}.x@example.test`, email);
  };
  for (let i = 0; i < 30; i++) await dovecot.append(USER, FOLDER, answerFor(emails[i], kinds[i % 3]));

  const { ctx } = testEngine(t, clock);
  const base: IntakeContext = { ...ctx, mailboxes: imapMailboxes, classify: classifyMessage };
  /** Runs until the folder is read through: with no time to wait, each run reads one batch. */
  const run = async (c: IntakeContext) => {
    let acted = 0;
    for (;;) {
      const r = await readInbox(c, inbox.id, { deadline: 0, stopping: () => false, batch: 7 });
      if (!r) throw new Error('the inbox is gone');
      acted += r.acted;
      if (!r.more) return { acted };
    }
  };

  // The run dies in its third page (messages 15 to 21), once the page's statements have run, the
  // cursor's included, and before its commit: the two pages before it stay, nothing of it does.
  // It has time left, so each page is written while the next is read (the fourth when it dies).
  let pages = 0;
  const told: DomainEvent[] = [];
  const dying: IntakeContext = {
    ...base,
    events: { emit: (ev) => void told.push(ev) },
    ledger: {
      ...base.ledger,
      transaction: (e, work) => base.ledger.transaction(e, async (tx) => {
        const done = await work(tx);
        if (++pages === 3) throw new Crash('killed before the commit');
        return done;
      }),
    },
  };
  await expect(readInbox(dying, inbox.id, { deadline: Date.now() + 60_000, stopping: () => false, batch: 7 })).rejects.toBeInstanceOf(Crash);
  expect(await em().count(FeedbackEventSchema, { account: account.id })).toBe(14);
  expect((await knexOf(em())('inbox_cursors').where({ inbox_id: inbox.id, folder: FOLDER }).first('next_uid')).next_uid).toBe(15);
  // Of the first 14: five hard bounces (i % 3 = 0), five soft, four replies; of the page after, nothing.
  expect(await em().findOneOrFail(MailingSchema, { id: mailingId })).toMatchObject({ bouncedCount: 10, repliedCount: 4 });
  expect(await em().count(MailingEventSchema, { mailing: mailingId, kind: { $in: ['bounced', 'replied'] } })).toBe(9);
  expect(await em().count(SuppressionSchema, { email: { $in: emails } })).toBe(5);
  expect(await em().count(MailingRecipientSchema, { mailing: mailingId, feedback: { $ne: null } })).toBe(14);
  expect(told.filter((ev) => ev.type === 'recipient.feedback')).toHaveLength(14);

  const after = await run(base);
  expect(after.acted).toBe(16);

  /** Ten hard bounces (suppressed), ten soft, ten replies: each counted, noted and suppressed once. */
  const check = async () => {
    expect(await em().count(FeedbackEventSchema, { account: account.id })).toBe(30);
    expect(await em().findOneOrFail(MailingSchema, { id: mailingId })).toMatchObject({ bouncedCount: 20, repliedCount: 10 });
    expect(await em().count(MailingEventSchema, { mailing: mailingId, kind: { $in: ['bounced', 'replied'] } })).toBe(20);
    expect(await em().count(SuppressionSchema, { email: { $in: emails } })).toBe(10);
  };
  await check();

  // A server that rebuilt its index: the same messages under a new UIDVALIDITY are read again and
  // recognised; the one that arrives afterwards is acted on.
  await dovecot.setUidValidity(USER, FOLDER, (await dovecot.uidValidity(USER, FOLDER)) + 1000);
  expect((await run(base)).acted).toBe(0);
  await check();
  await dovecot.append(USER, FOLDER, answerFor(emails[30], 'no-such-user'));
  expect((await run(base)).acted).toBe(1);
  expect((await em().findOneOrFail(MailingRecipientSchema, { id: rows[emails[30]].id })).feedback).toBe('bounced');

  // The folder deleted and made again: empty, numbered anew from 1.
  await dovecot.recreateFolder(USER, FOLDER);
  await dovecot.append(USER, FOLDER, answerFor(emails[1], 'happy-customer'));
  expect((await run(base)).acted).toBe(1);
  expect((await em().findOneOrFail(MailingRecipientSchema, { id: rows[emails[1]].id })).feedback).toBe('replied');
});
