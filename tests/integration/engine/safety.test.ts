import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { CompanySchema, EmailAccountSchema, MailingRecipientSchema, MailingSchema, SuppressionSchema } from '../../../server/db/entities/index.js';

let t: TestApp;
let sink: SmtpSink;
let departmentId: number;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startSmtpSink()]);
  await alwaysOpen(t);
  departmentId = (await t.factories.department()).id;
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

/** A fresh owner with `accounts` regular accounts on the sink and an active mailing to `emails`. */
async function setup(emails: string[], accounts = 2) {
  const owner = await t.factories.user('sales_manager', departmentId);
  const accs = [];
  for (let i = 0; i < accounts; i++) accs.push(await t.factories.account(owner, { smtpPort: sink.port, dailyLimit: 10_000 }));
  const companies = [];
  for (const email of emails) companies.push(await t.factories.company(owner, { email }));
  const message = await t.factories.message(owner);
  const em = t.services.orm.em.fork();
  const { mailings } = await createMailings(em, { id: owner.id, role: 'sales_manager', departmentId }, { messageId: message.id, selections: { company: { ids: companies.map((c) => c.id) } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
  return { owner, accounts: accs, companies, mailing: mailings[0], client: await t.signIn(owner.email) };
}

const ledger = async (mailingId: number) => t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } });
const status = async (mailingId: number) => (await t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId })).status;

describe('recipients never stranded', () => {
  // An account switched off through the API hands its pending recipients to the owner's others.
  it('moves the recipients of an account disabled through the API', async () => {
    const { accounts, mailing, client } = await setup(['a1@safe.test', 'a2@safe.test', 'a3@safe.test', 'a4@safe.test']);
    const res = await client.patch(`/api/accounts/${accounts[0].id}`, { massMailEnabled: false });
    expect(res.status, res.text).toBe(200);
    expect((await ledger(mailing.id)).map((r) => r.account?.id)).toEqual(Array(4).fill(accounts[1].id));
    const engine = testEngine(t, clock);
    await engine.run(accounts[1].id);
    expect((await ledger(mailing.id)).map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
    await engine.close();
  });

  // A deleted account's recipients move too; with nobody left, the mailing is interrupted.
  it('moves the recipients of a deleted account, and interrupts when none is left', async () => {
    const { accounts, mailing, client } = await setup(['b1@safe.test', 'b2@safe.test']);
    expect((await client.delete(`/api/accounts/${accounts[0].id}`)).status).toBe(200);
    expect((await ledger(mailing.id)).map((r) => r.account?.id)).toEqual([accounts[1].id, accounts[1].id]);
    expect((await client.delete(`/api/accounts/${accounts[1].id}`)).status).toBe(200);
    expect(await status(mailing.id)).toBe('interrupted');
  });
});

describe('claims that cannot be sent', () => {
  // A failure before the SMTP transaction puts the row back; it is never called uncertain.
  it('interrupts, and puts the row back, when the password cannot be decrypted', async () => {
    const { accounts, mailing } = await setup(['c1@safe.test'], 1);
    await t.services.orm.em.fork().nativeUpdate(EmailAccountSchema, { id: accounts[0].id }, { smtpPasswordEnc: 'v1:AAAA' });
    const engine = testEngine(t, clock);
    await engine.runOnce(accounts[0].id);
    expect(await status(mailing.id)).toBe('interrupted');
    expect((await ledger(mailing.id))[0]).toMatchObject({ state: 'pending', attempts: 0 });
    await engine.close();
  });

  // Unsubscribed addresses are skipped at the claim, however many come in a row.
  it('skips a long run of unsubscribed addresses and sends the rest in the same run', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `d${i}@safe.test`);
    const { accounts, mailing } = await setup(emails, 1);
    const em = t.services.orm.em.fork();
    for (const email of emails.slice(0, 7)) em.create(SuppressionSchema, { email, reason: 'unsubscribed' });
    await em.flush();
    const engine = testEngine(t, clock);
    await engine.runOnce(accounts[0].id);
    expect((await ledger(mailing.id)).map((r) => r.state)).toEqual([...Array(7).fill('skipped'), 'sent']);
    expect((await t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailing.id })).skippedCount).toBe(7);
    await engine.close();
  });

  // An opt-out recorded in the CRM after the mailing was made is honoured at send time.
  it('skips a recipient who opted out after the mailing was made', async () => {
    const { accounts, mailing, companies } = await setup(['e1@safe.test', 'e2@safe.test'], 1);
    await t.services.orm.em.fork().nativeUpdate(CompanySchema, { id: companies[0].id }, { massMailing: false });
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id);
    const rows = await ledger(mailing.id);
    expect(rows.map((r) => r.state)).toEqual(['skipped', 'sent']);
    expect(rows[0]).toMatchObject({ outcome: { code: 'opted_out' }, lastReply: null });
    expect(sink.acceptedCountsByRecipient().get('e1@safe.test')).toBeUndefined();
    await engine.close();
  });

  // A mailing paused after a row was picked but before it was claimed is not sent to.
  it('does not claim for a mailing that is no longer live', async () => {
    const { accounts, mailing, client } = await setup(['f1@safe.test'], 1);
    expect((await client.post(`/api/mailings/${mailing.id}/pause`)).status).toBe(200);
    const engine = testEngine(t, clock);
    expect(await engine.runOnce(accounts[0].id)).toBeNull();
    expect((await ledger(mailing.id))[0].state).toBe('pending');
    await engine.close();
  });
});
