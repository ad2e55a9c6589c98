import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import type { TestDb } from '../../support/databases.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { cancel, combine } from '../../../server/engine/operations.js';
import { expireStaleClaims } from '../../../server/engine/recovery.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { ledgerRepository } from '../../../server/db/repositories/ledger.repository.js';
import { CompanySchema, MailingRecipientSchema, MailingSchema, SuppressionSchema } from '../../../server/db/entities/index.js';

/**
 * A recipient Mailroom itself ended (skipped, or lost mid-send) keeps why as an outcome code the
 * UI words in the reader's language; `lastReply` stays for mail servers' replies only.
 */
describe.each(['mysql', 'sqlite'] as TestDb[])('recipient outcomes on %s', (db) => {
  let t: TestApp;
  let sink: SmtpSink;
  let departmentId: number;
  const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

  beforeAll(async () => {
    [t, sink] = await Promise.all([initTestApp({ db }), startSmtpSink()]);
    await alwaysOpen(t);
    departmentId = (await t.factories.department()).id;
  });
  afterAll(async () => {
    await sink?.stop();
    await t?.close();
  });

  /** A fresh owner with one account on the sink and an active mailing to `emails`. */
  async function setup(emails: string[]) {
    const owner = await t.factories.user('sales_manager', departmentId);
    const account = await t.factories.account(owner, { smtpPort: sink.port, dailyLimit: 10_000 });
    const companies = [];
    for (const email of emails) companies.push(await t.factories.company(owner, { email }));
    const message = await t.factories.message(owner);
    const em = t.services.orm.em.fork();
    const { mailings } = await createMailings(em, { id: owner.id, role: 'sales_manager', departmentId }, { messageId: message.id, selections: { company: { ids: companies.map((c) => c.id) } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
    return { owner, account, companies, message, mailing: mailings[0] };
  }
  const ledger = async (mailingId: number) => t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } });

  it('skips a recipient who opted out, and one whose record was deleted, each with its code and no reply', async () => {
    const { account, companies, mailing } = await setup(['out@o.test', 'gone@o.test', 'fine@o.test']);
    const em = t.services.orm.em.fork();
    await em.nativeUpdate(CompanySchema, { id: companies[0].id }, { massMailing: false });
    await em.nativeDelete(CompanySchema, { id: companies[1].id });
    const engine = testEngine(t, clock);
    await engine.run(account.id);
    const [out, gone, fine] = await ledger(mailing.id);
    expect(out).toMatchObject({ state: 'skipped', outcome: { code: 'opted_out' }, lastReply: null });
    expect(gone).toMatchObject({ state: 'skipped', outcome: { code: 'record_deleted' }, lastReply: null });
    expect(fine).toMatchObject({ state: 'sent', outcome: null, lastReply: expect.stringMatching(/^250/) });
    await engine.close();
  });

  it('marks a claim lost mid-send as the worker having stopped, with no reply, in the row and its event', async () => {
    const { account, mailing } = await setup(['lost@o.test']);
    const em = t.services.orm.em.fork();
    const [claimed] = await ledgerRepository.claimBatch(em, account.id, clock.now(), 60_000, 1, 'test-run');
    expect(await ledgerRepository.startAttempt(em, claimed, '<lost@o.test>', clock.now(), 60_000)).toBe(true);
    const engine = testEngine(t, clock);
    await clock.advance(61_000);
    expect(await expireStaleClaims(engine.ctx)).toBe(1);
    expect((await ledger(mailing.id))[0]).toMatchObject({ state: 'uncertain', outcome: { code: 'worker_stopped' }, lastReply: null });
    // The live push of the row carries the same code.
    expect(engine.events.filter((e) => e.type === 'recipient.uncertain')).toEqual([expect.objectContaining({ email: 'lost@o.test', outcome: { code: 'worker_stopped' } })]);
    await engine.close();
  });

  it('skips a suppressed address at the claim, and the queue of a cancelled mailing, each with its code', async () => {
    const { account, mailing } = await setup(['suppressed@o.test']);
    const em = t.services.orm.em.fork();
    em.create(SuppressionSchema, { email: 'suppressed@o.test', reason: 'unsubscribed' });
    await em.flush();
    const engine = testEngine(t, clock);
    await engine.runOnce(account.id);
    expect((await ledger(mailing.id))[0]).toMatchObject({ state: 'skipped', outcome: { code: 'suppressed' }, lastReply: null });

    const later = await setup(['waiting@o.test']);
    await cancel(engine.ctx, em, await em.findOneOrFail(MailingSchema, { id: later.mailing.id }), 'Tester');
    expect((await ledger(later.mailing.id))[0]).toMatchObject({ state: 'skipped', outcome: { code: 'cancelled' }, lastReply: null });
    await engine.close();
  });

  it('skips an address one of the combined mailings already mailed, naming the combined mailing', async () => {
    const { owner, account, companies, message, mailing: first } = await setup(['twice@o.test', 'once@o.test']);
    const em = t.services.orm.em.fork();
    const { mailings } = await createMailings(em, { id: owner.id, role: 'sales_manager', departmentId }, { messageId: message.id, selections: { company: { ids: [companies[0].id] } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
    // The first mailing's row to the address is on the wire: mailed, as far as a combine knows.
    const [claimed] = await ledgerRepository.claimBatch(em, account.id, clock.now(), 60_000, 1, 'test-run');
    expect(await ledgerRepository.startAttempt(em, claimed, '<twice@o.test>', clock.now(), 60_000)).toBe(true);
    const engine = testEngine(t, clock);
    const originals = [await em.findOneOrFail(MailingSchema, { id: first.id }), await em.findOneOrFail(MailingSchema, { id: mailings[0].id })];
    const { mailing: target, duplicates } = await combine(engine.ctx, em, originals, 'Tester');
    expect(duplicates).toBe(1);
    expect((await ledger(mailings[0].id))[0]).toMatchObject({ state: 'skipped', outcome: { code: 'already_mailed', into: target.id }, lastReply: null });
    await engine.close();
  });
});
