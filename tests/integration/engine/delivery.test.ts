import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { alwaysOpen, TestClock, testEngine } from '../../support/engine.js';
import { createMailings } from '../../../server/engine/create-mailings.js';
import { settingsRepository } from '../../../server/db/repositories/settings.repository.js';
import { ledgerRepository } from '../../../server/db/repositories/ledger.repository.js';
import { finishIfDone } from '../../../server/engine/mailing-events.js';
import { cancel, combine, restart } from '../../../server/engine/operations.js';
import { MailingSchema, MailingRecipientSchema, EmailAccountSchema, MailingEventSchema } from '../../../server/db/entities/index.js';
import { UserSchema, type User } from '../../../server/db/entities/user.entity.js';
import type { Locale } from '../../../server/domain/locales.js';
import { SecretBox } from '../../../server/security/secret-box.js';
import { loadSecretKey } from '../../../server/security/secret-key.js';
import type { Actor } from '../../../server/domain/visibility.js';

let t: TestApp;
let sink: SmtpSink;
let owner: User;
let actor: Actor;
const clock = new TestClock(Date.parse('2026-11-25T09:00:00Z'));

beforeAll(async () => {
  [t, sink] = await Promise.all([initTestApp(), startSmtpSink()]);
  await alwaysOpen(t);
  const dept = await t.factories.department();
  owner = await t.factories.user('sales_manager', dept.id);
  actor = { id: owner.id, role: 'sales_manager', departmentId: dept.id };
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});

/** A fresh sales manager with these accounts and companies, and an active mailing to them. */
async function setup(companies: { email: string; vip?: boolean }[], accounts: { user: string; main?: boolean }[], html = '<p>Hello {{ name }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>', locale: Locale | null = null) {
  owner = await t.factories.user('sales_manager', actor.departmentId);
  if (locale) await t.services.orm.em.fork().nativeUpdate(UserSchema, { id: owner.id }, { locale });
  actor = { ...actor, id: owner.id };
  const accs = [];
  for (const a of accounts) accs.push(await t.factories.account(owner, { smtpPort: sink.port, smtpUser: a.user, fromEmail: a.user, main: a.main ?? false, dailyLimit: 10_000 }));
  const ids = [];
  for (const c of companies) ids.push((await t.factories.company(owner, { email: c.email, vip: c.vip ?? false })).id);
  const message = await t.factories.message(owner, { html });
  const em = t.services.orm.em.fork();
  const settings = await settingsRepository.get(em, '');
  const { mailings, reports } = await createMailings(em, actor, { messageId: message.id, selections: { company: { ids } }, start: 'active' }, settings, clock.now());
  expect(reports[0].errors).toEqual([]);
  return { mailing: mailings[0], accounts: accs };
}

const rows = async (mailingId: number) => (await t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } }));
const mailingRow = async (id: number) => (await t.services.orm.em.fork().findOneOrFail(MailingSchema, { id }));

describe('delivery through the real transport into an SMTP sink process', () => {
  // The happy path: each recipient once, VIPs only through the main account, with list headers.
  it('sends every recipient exactly once, VIPs through the main account', async () => {
    const { mailing, accounts } = await setup(
      [{ email: 'a@x.test' }, { email: 'b@x.test', vip: true }, { email: 'c@x.test' }, { email: 'd@x.test' }],
      [{ user: 'main1@s.test', main: true }, { user: 'reg1@s.test' }, { user: 'reg2@s.test' }],
    );
    const engine = testEngine(t, clock);
    for (const a of accounts) await engine.run(a.id);
    await engine.close();
    const ledger = await rows(mailing.id);
    expect(ledger.map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(ledger.filter((r) => !r.messageId || !r.lastReply?.startsWith('250'))).toEqual([]);
    const accepted = sink.accepted().filter((m) => m.to[0].endsWith('@x.test'));
    expect(accepted.map((m) => m.to[0]).sort()).toEqual(['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test']);
    expect(accepted.find((m) => m.to[0] === 'b@x.test')!.user).toBe('main1@s.test');
    expect(accepted.filter((m) => m.user === 'main1@s.test').map((m) => m.to[0])).toEqual(['b@x.test']);
    expect(accepted.filter((m) => !m.listUnsubscribe?.includes('/u/') || m.listUnsubscribePost !== 'List-Unsubscribe=One-Click')).toEqual([]);
    expect((await mailingRow(mailing.id)).sentCount).toBe(4);
    // Done as soon as the last recipient is sent.
    expect((await mailingRow(mailing.id)).status).toBe('done');
    expect(engine.events.filter((e) => e.type === 'recipient.sent')).toHaveLength(4);
    // Invariant: an account whose server accepted mail turns green from `unknown`.
    const health = await t.services.orm.em.fork().find(EmailAccountSchema, { id: { $in: accounts.map((a) => a.id) } }, { orderBy: { id: 'asc' } });
    expect(health.map((a) => a.health)).toEqual(['ok', 'ok', 'ok']);
    expect(engine.events.filter((e) => e.type === 'account.health' && e.health === 'ok')).toHaveLength(3);
  });

  // A 550 fails only that recipient; a 421 is retried later; the mailing keeps sending.
  it('fails a refused recipient, retries a temporary refusal, and keeps sending', async () => {
    await sink.setRules({ rejectRcpt: { 'bad@y.test': 550, 'later@y.test': 421 } });
    const { mailing, accounts } = await setup([{ email: 'bad@y.test' }, { email: 'later@y.test' }, { email: 'ok@y.test' }], [{ user: 'reg3@s.test' }]);
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id, clock.t + 60_000);
    const ledger = await rows(mailing.id);
    const by = Object.fromEntries(ledger.map((r) => [r.email, r]));
    expect(by['bad@y.test']).toMatchObject({ state: 'failed', attempts: 1 });
    expect(by['bad@y.test'].lastReply).toMatch(/550/);
    expect(by['later@y.test']).toMatchObject({ state: 'pending', attempts: 1 });
    // The server's own reply is recorded, also when the 421 came on a reused connection.
    expect(by['later@y.test'].lastReply).toMatch(/^421 4\.7\.0 <later@y\.test> try again later/);
    expect(by['later@y.test'].dueAt!.getTime()).toBeGreaterThan(clock.t);
    expect(by['ok@y.test'].state).toBe('sent');
    expect((await mailingRow(mailing.id)).status).toBe('active_error');
    const notes = await t.services.orm.em.fork().find(MailingEventSchema, { mailing: mailing.id, level: 'error' });
    expect(notes.map((n) => n.text).join()).toMatch(/bad@y\.test: 550/);
    // Not done while a retry waits; once the server accepts it, the retry succeeds.
    expect(await finishIfDone(engine.ctx, t.services.orm.em.fork(), mailing.id)).toBe(false);
    await sink.setRules({ rejectRcpt: {} });
    await clock.advance(6 * 60_000);
    await engine.run(accounts[0].id);
    expect((await rows(mailing.id)).find((r) => r.email === 'later@y.test')).toMatchObject({ state: 'sent', attempts: 2 });
    expect((await mailingRow(mailing.id)).status).toBe('done');
    expect(sink.acceptedCountsByRecipient().get('later@y.test')).toBe(1);
    await engine.close();
  });

  // An authentication failure turns the account red and moves its recipients to a healthy one.
  it('switches off an account whose login fails and moves its recipients', async () => {
    await sink.setRules({ failAuth: ['broken@s.test'] });
    const { mailing, accounts } = await setup([{ email: 'p@z.test' }, { email: 'q@z.test' }], [{ user: 'broken@s.test' }, { user: 'healthy@s.test' }]);
    const engine = testEngine(t, clock);
    const [broken, healthy] = accounts;
    expect(await engine.runOnce(broken.id)).toBeNull();
    const account = await t.services.orm.em.fork().findOneOrFail(EmailAccountSchema, { id: broken.id });
    expect(account.health).toBe('auth_failed');
    expect(account.healthReason).toMatch(/535/);
    expect((await rows(mailing.id)).map((r) => [r.account?.id, r.state, r.attempts])).toEqual(Array(2).fill([healthy.id, 'pending', 0]));
    expect(engine.events.some((e) => e.type === 'account.health' && e.health === 'auth_failed')).toBe(true);
    await engine.run(healthy.id);
    expect((await rows(mailing.id)).map((r) => r.state)).toEqual(['sent', 'sent']);
    await sink.setRules({ failAuth: [] });
    await engine.close();
  });

  // Nobody left to send: the mailing is interrupted with the reason.
  it('interrupts a mailing when no account of the owner can take its recipients', async () => {
    await sink.setRules({ failAuth: ['only@s.test'] });
    const lonely = await t.factories.user('sales_manager', actor.departmentId);
    const acc = await t.factories.account(lonely, { smtpPort: sink.port, smtpUser: 'only@s.test', fromEmail: 'only@s.test', dailyLimit: 10_000 });
    const company = await t.factories.company(lonely, { email: 'r@w.test' });
    const message = await t.factories.message(lonely);
    const em = t.services.orm.em.fork();
    const { mailings } = await createMailings(em, { id: lonely.id, role: 'sales_manager', departmentId: actor.departmentId }, { messageId: message.id, selections: { company: { ids: [company.id] } }, start: 'active' }, await settingsRepository.get(em, ''), clock.now());
    const engine = testEngine(t, clock);
    await engine.run(acc.id);
    const m = await mailingRow(mailings[0].id);
    expect(m.status).toBe('interrupted');
    expect(m.statusReason).toMatch(/No account of the owner can send/);
    // The UI words the reason from its code; the server's reply that switched the account off stays as it was.
    expect(m.statusDetail).toMatchObject({ kind: 'status_interrupted', params: { code: 'no_account', account: acc.name } });
    const event = engine.events.find((e) => e.type === 'mailing.status' && e.status === 'interrupted');
    expect(event).toMatchObject({ reason: m.statusReason, detail: m.statusDetail });
    await sink.setRules({ failAuth: [] });
    await engine.close();
  });

  // A password sealed under another SECRET_KEY fails for every recipient: the mailing stops with
  // that cause as a code, the cipher's own words beside it.
  it('interrupts with the cause when the stored password cannot be decrypted', async () => {
    const { mailing, accounts } = await setup([{ email: 'locked@k.test' }], [{ user: 'reg-key@s.test' }]);
    const otherKey = new SecretBox(loadSecretKey('another-secret-key-0123456789', ''));
    await t.services.orm.em.fork().nativeUpdate(EmailAccountSchema, { id: accounts[0].id }, { smtpPasswordEnc: otherKey.encrypt('pw') });
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id);
    await engine.close();
    const m = await mailingRow(mailing.id);
    expect(m.status).toBe('interrupted');
    expect(m.statusDetail).toEqual({ kind: 'status_interrupted', params: { code: 'secret_unreadable', error: expect.any(String) } });
    const { error } = (m.statusDetail!.params as { error: string });
    expect(error).not.toMatch(/SECRET_KEY/);
    expect(m.statusReason).toBe(`A stored secret cannot be decrypted (was SECRET_KEY changed?): ${error}`);
    expect(sink.acceptedCountsByRecipient().get('locked@k.test')).toBeUndefined();
  });

  // A template without {{ unsubscribe_url }} gets Mailroom's footer, in its owner's language.
  it("words the unsubscribe footer in the mailing owner's language", async () => {
    const { accounts } = await setup([{ email: 'kunde@de.test' }], [{ user: 'reg-de@s.test' }], '<p>Hallo {{ name }}</p>', 'de');
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id);
    await engine.close();
    const [mail] = sink.accepted().filter((m) => m.to[0] === 'kunde@de.test');
    expect(mail.html).toMatch(/Sie erhalten diese E-Mail, weil Sie in unserer Kundendatenbank stehen\..*<a href="http[^"]+\/u\/[^"]+"[^>]*>Abmelden<\/a>/s);
    expect(mail.text).toMatch(/Sie erhalten diese E-Mail.*\nAbmelden: http\S+\/u\/\S+$/s);
    expect(`${mail.html}${mail.text}`).not.toMatch(/Unsubscribe|You receive this/);
  });

  // An owner who chose no language gets the English footer.
  it('words the footer in English for an owner without a language', async () => {
    const { accounts } = await setup([{ email: 'customer@en.test' }], [{ user: 'reg-en@s.test' }], '<p>Hello {{ name }}</p>');
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id);
    await engine.close();
    const [mail] = sink.accepted().filter((m) => m.to[0] === 'customer@en.test');
    expect(mail.html).toMatch(/You receive this e-mail.*>Unsubscribe<\/a>/s);
    expect(mail.text).toMatch(/\nUnsubscribe: http\S+$/);
  });

  // A worker that dies mid-send leaves `sending`; after the lease it is uncertain, never resent.
  it('turns an abandoned claim into uncertain after its lease', async () => {
    const { mailing, accounts } = await setup([{ email: 'lost@v.test' }], [{ user: 'reg9@s.test' }]);
    const em = t.services.orm.em.fork();
    const [claimed] = await ledgerRepository.claimBatch(em, accounts[0].id, clock.now(), 60_000, 1, 'test-run');
    expect(await ledgerRepository.startAttempt(em, claimed, '<x@y>', clock.now(), 60_000)).toBe(true);
    expect(claimed?.email).toBe('lost@v.test');
    const engine = testEngine(t, clock);
    await clock.advance(61_000);
    const { expireStaleClaims } = await import('../../../server/engine/recovery.js');
    expect(await expireStaleClaims(engine.ctx)).toBe(1);
    expect((await rows(mailing.id))[0].state).toBe('uncertain');
    // The note keeps values the UI words (old rows kept only the English text).
    const [note] = await t.services.orm.em.fork().find(MailingEventSchema, { mailing: mailing.id, kind: 'uncertain' });
    expect(note).toMatchObject({ level: 'warning', params: { email: 'lost@v.test', cause: 'worker_stopped', reply: null }, text: expect.stringContaining('the sending worker stopped mid-send') });
    expect(await engine.run(accounts[0].id)).toBeNull();
    expect(sink.acceptedCountsByRecipient().get('lost@v.test')).toBeUndefined();
    expect((await mailingRow(mailing.id)).uncertainCount).toBe(1);
    await engine.close();
  });

  // Expired claims are found through each account, and also when their account was deleted meanwhile.
  it('turns an abandoned claim of a deleted account into uncertain after its lease', async () => {
    const { mailing, accounts } = await setup([{ email: 'orphan@v.test' }], [{ user: 'reg9b@s.test' }]);
    const em = t.services.orm.em.fork();
    const [claimed] = await ledgerRepository.claimBatch(em, accounts[0].id, clock.now(), 60_000, 1, 'test-run');
    expect(await ledgerRepository.startAttempt(em, claimed, '<orphan@y>', clock.now(), 60_000)).toBe(true);
    await em.nativeUpdate(MailingRecipientSchema, { id: claimed.id }, { account: null });
    const engine = testEngine(t, clock);
    await clock.advance(61_000);
    const { expireStaleClaims } = await import('../../../server/engine/recovery.js');
    expect(await expireStaleClaims(engine.ctx)).toBe(1);
    expect((await rows(mailing.id))[0].state).toBe('uncertain');
    await engine.close();
  });

  // A claim the dead worker never started (no Message-ID) was not tried: it goes back to the queue.
  it('puts an abandoned claim that was never started back in the queue, and sends it', async () => {
    const { mailing, accounts } = await setup([{ email: 'untried@v.test' }], [{ user: 'reg10@s.test' }]);
    const em = t.services.orm.em.fork();
    expect(await ledgerRepository.claimBatch(em, accounts[0].id, clock.now(), 60_000, 5, 'test-run')).toHaveLength(1);
    const engine = testEngine(t, clock);
    await clock.advance(61_000);
    const { expireStaleClaims } = await import('../../../server/engine/recovery.js');
    expect(await expireStaleClaims(engine.ctx)).toBe(0);
    expect((await rows(mailing.id))[0]).toMatchObject({ state: 'pending', attempts: 0 });
    await engine.run(accounts[0].id);
    expect((await rows(mailing.id))[0]).toMatchObject({ state: 'sent', attempts: 1 });
    expect(sink.acceptedCountsByRecipient().get('untried@v.test')).toBe(1);
    await engine.close();
  });

  // Claims nobody has started are still the queue: cancelling skips them, and they are never sent.
  it('skips unstarted claims when the mailing is cancelled', async () => {
    const { mailing, accounts } = await setup(['k1', 'k2', 'k3'].map((n) => ({ email: `${n}@cancel.test` })), [{ user: 'reg11@s.test' }]);
    const em = t.services.orm.em.fork();
    expect(await ledgerRepository.claimBatch(em, accounts[0].id, clock.now(), 60_000, 3, 'test-run')).toHaveLength(3);
    const engine = testEngine(t, clock);
    await cancel(engine.ctx, em, await em.findOneOrFail(MailingSchema, { id: mailing.id }), 'Tester');
    expect((await rows(mailing.id)).map((r) => r.state)).toEqual(['skipped', 'skipped', 'skipped']);
    expect((await mailingRow(mailing.id)).skippedCount).toBe(3);
    expect(await engine.run(accounts[0].id)).toBeNull();
    expect(['k1', 'k2', 'k3'].map((n) => sink.acceptedCountsByRecipient().get(`${n}@cancel.test`))).toEqual([undefined, undefined, undefined]);
    await engine.close();
  });

  // Combining moves unstarted claims with the queue, so each address is still mailed once.
  it('moves unstarted claims into the combined mailing', async () => {
    const { mailing: first, accounts } = await setup(['m1', 'm2'].map((n) => ({ email: `${n}@merge.test` })), [{ user: 'reg12@s.test' }]);
    const em = t.services.orm.em.fork();
    const more = await t.factories.company(owner, { email: 'm3@merge.test' });
    const settings = await settingsRepository.get(em, '');
    const { mailings } = await createMailings(em, actor, { messageId: (await mailingRow(first.id)).message!.id, selections: { company: { ids: [more.id] } }, start: 'active' }, settings, clock.now());
    expect(await ledgerRepository.claimBatch(em, accounts[0].id, clock.now(), 60_000, 2, 'test-run')).toHaveLength(2);
    const engine = testEngine(t, clock);
    const originals = [await em.findOneOrFail(MailingSchema, { id: first.id }), await em.findOneOrFail(MailingSchema, { id: mailings[0].id })];
    const { mailing: target, moved } = await combine(engine.ctx, em, originals, 'Tester');
    expect(moved).toBe(3);
    expect((await rows(target.id)).map((r) => [r.email, r.state, r.attempts])).toEqual([['m1@merge.test', 'pending', 0], ['m2@merge.test', 'pending', 0], ['m3@merge.test', 'pending', 0]]);
    await engine.run(accounts[0].id);
    expect(['m1', 'm2', 'm3'].map((n) => sink.acceptedCountsByRecipient().get(`${n}@merge.test`))).toEqual([1, 1, 1]);
    await engine.close();
  });

  // A connection dropped at DATA, before the message was sent, is retried later, and the server ends up with one copy.
  it('retries a message whose connection dropped during DATA, without a duplicate', async () => {
    await sink.setRules({ dropDuringData: ['flaky@d.test'] });
    const { mailing, accounts } = await setup([{ email: 'flaky@d.test' }], [{ user: 'reg7@s.test' }]);
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id, clock.t + 60_000);
    expect((await rows(mailing.id))[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(engine.events.some((e) => e.type === 'recipient.retrying')).toBe(true);
    await sink.setRules({ dropDuringData: [] });
    await clock.advance(6 * 60_000);
    await engine.run(accounts[0].id);
    expect((await rows(mailing.id))[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(sink.acceptedCountsByRecipient().get('flaky@d.test')).toBe(1);
    await engine.close();
  });

  // Invariant: a connection cut after the whole message went out, before the server's reply, is
  // `uncertain` (the server may have delivered it), shown as such and never retried silently.
  it('marks a message whose connection was cut after DATA uncertain, and never resends it', async () => {
    await sink.setRules({ dropAfterData: ['cut@d.test'] });
    const { mailing, accounts } = await setup([{ email: 'cut@d.test' }, { email: 'after-cut@d.test' }], [{ user: 'reg13@s.test' }]);
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id, clock.t + 60_000);
    await sink.setRules({ dropAfterData: [] });
    // The engine runs on, past every retry delay: the uncertain row stays as it is.
    await clock.advance(24 * 3_600_000);
    await engine.run(accounts[0].id);
    await engine.close();
    const [cut, next] = await rows(mailing.id);
    // The connection's own words, as they came: no English of Mailroom's around them.
    expect(cut).toMatchObject({ state: 'uncertain', attempts: 1, lastReply: expect.not.stringContaining('No reply after the message was sent') });
    const [note] = await t.services.orm.em.fork().find(MailingEventSchema, { mailing: mailing.id, kind: 'uncertain' });
    expect(note.params).toEqual({ email: 'cut@d.test', cause: 'connection_lost', reply: cut.lastReply });
    expect(next.state).toBe('sent');
    expect(sink.acceptedCountsByRecipient().get('cut@d.test')).toBe(1);
    expect(engine.events.filter((e) => e.type === 'recipient.uncertain').map((e) => 'email' in e && e.email)).toEqual(['cut@d.test']);
    expect(engine.events.some((e) => e.type === 'recipient.retrying')).toBe(false);
    expect((await mailingRow(mailing.id)).uncertainCount).toBe(1);
  });

  // Invariant: a run that outlived its lock (its SMTP server stalled) cannot touch the rows a newer
  // run of the account claimed meanwhile: every write of a run is fenced by its own claim, so
  // nothing is released back to the queue from under the new run, and nothing goes out twice.
  it('keeps a stalled run from handing back the rows a newer run is sending', async () => {
    const emails = ['s1', 's2', 's3', 's4'].map((n) => `${n}@stall.test`);
    const { mailing, accounts } = await setup(emails.map((email) => ({ email })), [{ user: 'reg14@s.test' }]);
    // Fast enough that one run claims all four at once.
    await t.services.orm.em.fork().nativeUpdate(EmailAccountSchema, { id: accounts[0].id }, { dailyLimit: 1_000_000 });
    await sink.setRules({ holdData: ['s1@stall.test', 's4@stall.test'] });
    const held = (email: string) => sink.events().filter((e) => e.type === 'held' && e.to.includes(email)).length;
    const stale = testEngine(t, clock, { smtpTimeoutMs: 60_000 });
    const fresh = testEngine(t, clock, { smtpTimeoutMs: 60_000 });

    // The first run's server stalls on s1; s2 is already marked started behind it.
    let staleDone = false;
    const staleRun = stale.runOnce(accounts[0].id).finally(() => (staleDone = true));
    await sink.waitFor(() => held('s1@stall.test') === 1);
    await vi.waitFor(async () => expect((await rows(mailing.id))[1].messageId).toBeTruthy());
    // Past its lease (as past its lock): recovery hands back its unstarted claims, and a second
    // run of the account, as agenda would start, sends them; its server stalls on s4.
    await clock.advance(61_000);
    const { expireStaleClaims } = await import('../../../server/engine/recovery.js');
    await expireStaleClaims(stale.ctx);
    const freshRun = fresh.runOnce(accounts[0].id);
    await sink.waitFor(() => held('s4@stall.test') === 1);
    // The stale run wakes up while the new one still has s4 on the wire.
    await sink.setRules({ holdData: ['s4@stall.test'] });
    await sink.waitFor(() => staleDone || held('s4@stall.test') > 1);
    await sink.setRules({ holdData: [] });
    await Promise.all([staleRun, freshRun]);
    await stale.close();
    await fresh.close();

    expect(emails.map((email) => sink.acceptedCountsByRecipient().get(email))).toEqual([1, 1, 1, 1]);
    const [s1, s2, s3, s4] = await rows(mailing.id);
    expect([s1.state, s2.state, s3.state, s4.state]).toEqual(['uncertain', 'uncertain', 'sent', 'sent']);
    // Both sent by the second run, which the first never got to undo.
    expect(s4.claimedBy).toBe(s3.claimedBy);
    expect(s3.claimedBy).not.toBe(s1.claimedBy);
    expect(s4.attempts).toBe(1);
  });

  // Invariant: a restart keeps a recipient's history (its attempts and last reply) and gives it a
  // new round of retries: it is not cut short because earlier rounds used up the attempts.
  it('keeps attempts and the last reply on restart, and retries again with a new round', async () => {
    await sink.setRules({ rejectRcpt: { 'again@r.test': 421 } });
    const { mailing, accounts } = await setup([{ email: 'again@r.test' }], [{ user: 'reg15@s.test' }]);
    const engine = testEngine(t, clock);
    const row = async () => (await rows(mailing.id))[0];
    for (let i = 0; i < 5; i++) {
      await engine.run(accounts[0].id, clock.t + 60_000);
      await clock.advance(5 * 3_600_000);
    }
    // The server's last reply as it came; that Mailroom gave up after 5 attempts is a value of the note.
    expect(await row()).toMatchObject({ state: 'failed', attempts: 5, lastReply: expect.stringMatching(/^421 /) });
    const [gaveUp] = await t.services.orm.em.fork().find(MailingEventSchema, { mailing: mailing.id, kind: 'recipient_failed' });
    expect(gaveUp).toMatchObject({ params: { email: 'again@r.test', reply: (await row()).lastReply, attempts: 5 }, text: expect.stringMatching(/^again@r\.test: gave up after 5 attempts: 421 /) });

    const em = t.services.orm.em.fork();
    await restart(engine.ctx, em, await em.findOneOrFail(MailingSchema, { id: mailing.id }), { includeUncertain: false, includeSoftBounced: false }, 'Tester');
    expect(await row()).toMatchObject({ state: 'pending', attempts: 5, lastReply: expect.stringMatching(/^421 /) });
    // Still refused: retried later, not given up at once.
    await engine.run(accounts[0].id, clock.t + 60_000);
    expect(await row()).toMatchObject({ state: 'pending', attempts: 6, lastReply: expect.stringMatching(/^421 /) });
    await sink.setRules({ rejectRcpt: {} });
    await clock.advance(3_600_000);
    await engine.run(accounts[0].id);
    expect(await row()).toMatchObject({ state: 'sent', attempts: 7 });
    expect(sink.acceptedCountsByRecipient().get('again@r.test')).toBe(1);
    await engine.close();
  });

  // Several live mailings of one owner take turns on a shared account.
  it('shares an account fairly between the owner\'s active mailings', async () => {
    const { mailing: first, accounts } = await setup(
      ['f1', 'f2', 'f3', 'f4'].map((n) => ({ email: `${n}@fair.test` })),
      [{ user: 'shared@s.test' }],
    );
    const second = (await createMailings(t.services.orm.em.fork(), actor, {
      messageId: (await t.factories.message(owner)).id,
      selections: { company: { ids: (await Promise.all(['g1', 'g2', 'g3', 'g4'].map((n) => t.factories.company(owner, { email: `${n}@fair.test` })))).map((c) => c.id) } },
      start: 'active',
    }, await settingsRepository.get(t.services.orm.em.fork(), ''), clock.now())).mailings[0];
    const engine = testEngine(t, clock);
    await engine.run(accounts[0].id);
    const sent = (await t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: { $in: [first.id, second.id] } }, { orderBy: { sentAt: 'asc', id: 'asc' } }));
    const order = sent.map((r) => (r.mailing.id === first.id ? 'A' : 'B')).join('');
    expect(order).toMatch(/^(AB){4}$|^(BA){4}$/);
    await engine.close();
  });
});
