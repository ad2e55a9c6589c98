import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initTestApp, type TestApp } from '../support/test-app.js';
import { alwaysOpen, TestClock, testEngine } from '../support/engine.js';
import { startDevSink, type DevSink } from '../../server/mail/dev-sink.js';
import { sinkMailboxes } from '../../server/mail/sink-mailbox.js';
import { classifyMessage } from '../../server/mail/feedback/classify.js';
import { readInbox } from '../../server/engine/intake.js';
import { createMailings } from '../../server/engine/create-mailings.js';
import { settingsRepository } from '../../server/db/repositories/settings.repository.js';
import { seedDemo } from '../../server/db/seed/demo.js';
import { InboxSchema, MailingRecipientSchema, ContactSchema, EmailAccountSchema } from '../../server/db/entities/index.js';

/**
 * The demo's feedback loop: mail sent through the development sink to the demo addresses is
 * answered into the sender's sink mailbox (a hard and a soft bounce, an out-of-office, a reply),
 * and the intake reads it there through the same classifier as a real mailbox.
 */

const LOGIN = 'anna.news1@mailroom.test';
let t: TestApp;
let sink: DevSink;
const dir = mkdtempSync(join(tmpdir(), 'demo-answers-'));
const mailboxes = join(dir, 'mailboxes');
const clock = new TestClock(Date.now());

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startDevSink({ port: 0, dir: join(dir, 'outbox'), mailboxes })]);
  await alwaysOpen(t);
});
afterAll(async () => {
  await sink.stop();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers the demo addresses into the sender\'s sink mailbox, and the intake reads the answers there', async () => {
  const owner = await t.factories.user('sales_manager', (await t.factories.department()).id);
  const account = await t.factories.account(owner, { smtpPort: sink.port, smtpUser: LOGIN, fromEmail: LOGIN, dailyLimit: 10_000 });
  const e = t.services.orm.em.fork();
  const inbox = e.create(InboxSchema, { account: account.id, kind: 'sink', host: '127.0.0.1', port: sink.port, security: 'none', user: LOGIN, passwordEnc: t.services.secrets.encrypt('any'), folders: ['INBOX'] });
  await e.flush();
  const emails = ['no-such-user.ann@alpine.example.com', 'mailbox-full.bob@blue.example.com', 'on-holiday.cid@cedar.example.com', 'happy-customer.dee@delta.example.com', 'plain.eve@ember.example.com'];
  const ids = [];
  for (const email of emails) ids.push((await t.factories.company(owner, { email })).id);
  const message = await t.factories.message(owner);
  const { mailings } = await createMailings(e, { id: owner.id, role: 'sales_manager', departmentId: account.department.id }, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(e, ''), clock.now());
  const engine = testEngine(t, clock);
  await engine.run(account.id);
  await engine.close();

  // The sink leaves each answer after its 250; they are due a minute or two later.
  const pending = () => readdirSync(mailboxes, { recursive: true }).filter((f) => String(f).endsWith('.eml')).length;
  await expect.poll(() => (existsSync(mailboxes) ? pending() : 0), { timeout: 10_000 }).toBe(4);

  // Read as it will be in three minutes' time: every answer has arrived.
  const { ctx } = testEngine(t, clock);
  const later = () => Date.now() + 180_000;
  const result = await readInbox({ ...ctx, mailboxes: sinkMailboxes(mailboxes, later), classify: classifyMessage }, inbox.id, { deadline: 0, stopping: () => false });
  expect(result).toMatchObject({ read: 4, acted: 4, health: 'ok' });
  const rows = Object.fromEntries((await t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailings[0].id })).map((r) => [r.email, r.feedback]));
  expect(rows).toEqual({
    'no-such-user.ann@alpine.example.com': 'bounced',
    'mailbox-full.bob@blue.example.com': 'soft_bounced',
    'on-holiday.cid@cedar.example.com': 'auto_replied',
    'happy-customer.dee@delta.example.com': 'replied',
    'plain.eve@ember.example.com': null,
  });
});

it('gives every demo account a sink mailbox, and Anna\'s first contacts the answering addresses', async () => {
  const demo = await initTestApp();
  try {
    const e = demo.services.orm.em.fork();
    await seedDemo(e, { secrets: demo.services.secrets, sinkPort: 2525, now: new Date(), password: 'demo-password-123' });
    const accounts = await e.find(EmailAccountSchema, {});
    const inboxes = await e.find(InboxSchema, {}, { populate: ['account'] });
    expect(inboxes.map((i) => [i.kind, i.user]).sort()).toEqual(accounts.map((a) => ['sink', a.smtpUser]).sort());
    const answering = await e.find(ContactSchema, { email: { $re: '^(no-such-user|mailbox-full|on-holiday|happy-customer)\\.' } }, { populate: ['owner'] });
    expect(answering.map((c) => c.email!.split('.')[0]).sort()).toEqual(['happy-customer', 'mailbox-full', 'no-such-user', 'no-such-user', 'on-holiday']);
    expect(new Set(answering.map((c) => c.owner.getEntity().email))).toEqual(new Set(['anna@mailroom.test']));
    expect(answering.every((c) => c.massMailing)).toBe(true);
  } finally {
    await demo.close();
  }
});
