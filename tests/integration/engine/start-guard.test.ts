import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import type { TestDb } from '../../support/databases.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { cancel, pause, resume } from '../../../server/engine/operations.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { ledgerRepository } from '../../../server/db/repositories/ledger.repository.js';
import { MailingSchema } from '../../../server/db/entities/index.js';

/** The statement that marks a claimed row as handed to SMTP, on both dialects. */
describe.each<TestDb>(['mysql', 'sqlite'])('starting a claimed row on %s', (db) => {
  let t: TestApp;
  const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

  beforeAll(async () => {
    t = await initTestApp({ db });
    await alwaysOpen(t);
  });
  afterAll(() => t.close());

  // Invariant: a claim of a mailing that stopped being live (paused, cancelled…) after it was
  // claimed can no longer start: the status is checked by the very statement that starts it.
  it('refuses to start a claim once its mailing is paused or cancelled, and starts it after resume', async () => {
    const dept = await t.factories.department();
    const owner = await t.factories.user('sales_manager', dept.id);
    const account = await t.factories.account(owner, { dailyLimit: 10_000 });
    const ids = [];
    for (const n of [1, 2]) ids.push((await t.factories.company(owner, { email: `g${n}@guard.test` })).id);
    const message = await t.factories.message(owner);
    const em = t.services.orm.em.fork();
    const actor = { id: owner.id, role: 'sales_manager' as const, departmentId: dept.id };
    const { mailings } = await createMailings(em, actor, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
    const mailing = await em.findOneOrFail(MailingSchema, { id: mailings[0].id });
    const { ctx } = testEngine(t, clock);
    const [first, second] = await ledgerRepository.claimBatch(em, account.id, clock.now(), 60_000, 2, 'test-run');

    await pause(ctx, em, mailing, 'Tester');
    expect(await ledgerRepository.startAttempt(em, first, '<g1@guard.test>', clock.now(), 60_000)).toBe(false);
    await resume(ctx, em, mailing, 'Tester');
    expect(await ledgerRepository.startAttempt(em, first, '<g1@guard.test>', clock.now(), 60_000)).toBe(true);
    await cancel(ctx, em, await em.findOneOrFail(MailingSchema, { id: mailing.id }, { refresh: true }), 'Tester');
    expect(await ledgerRepository.startAttempt(em, second, '<g2@guard.test>', clock.now(), 60_000)).toBe(false);
  });
});
