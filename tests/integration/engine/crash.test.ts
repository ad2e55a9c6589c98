import { expect, it, vi } from 'vitest';
import type { MailroomProcess } from '../../support/server-process.js';
import { activeMailingOnSink } from '../../support/engine.js';
import { workerTestbed } from '../../support/worker-testbed.js';
import { MailingRecipientSchema, MailingSchema } from '../../../server/db/entities/index.js';

/**
 * The engine as a real worker process (MariaDB, agenda on a Postgres job store) killed with
 * SIGKILL in the middle of sending, several times, and started again.
 */

const COMPANIES = 60;
const KILLS = 3;
/** Messages accepted between two kills, so each kill lands while there is still work to do. */
const PER_ROUND = 8;

// DATA is answered after 150 ms, so a kill can catch a message in flight.
const bed = workerTestbed({ delayMs: 150 });
let worker: MailroomProcess | undefined;

// A lease long enough that a loaded machine never outlives it mid-send (the message prepared
// behind the one on the wire starts its lease early), short enough that recovery comes soon.
const startEngine = () => bed.startWorker({ SEND_LEASE_SECONDS: '6' });

const ledger = (mailingId: number) => bed.t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId }, { orderBy: { id: 'asc' } });

/**
 * Rows handed to SMTP (`sending` with a Message-ID) right now; once the worker is dead, exactly
 * the sends it left in flight. Rows it had claimed but not started go back to the queue.
 */
async function sendingIds(mailingId: number): Promise<number[]> {
  return (await ledger(mailingId)).filter((r) => r.state === 'sending' && r.messageId).map((r) => r.id);
}

/** Statements running on the test database now, apart from this query itself. */
async function statementsRunning(): Promise<number> {
  const knex = bed.t.services.orm.em.getKnex();
  const [rows] = await knex.raw("select count(*) as n from information_schema.processlist where db = database() and command <> 'Sleep' and id <> connection_id()");
  return Number((rows as { n: number | string }[])[0].n);
}

const activeMailing = () => activeMailingOnSink(bed.t, bed.sink.port, { users: ['crash-a@s.test', 'crash-b@s.test'], companies: COMPANIES, domain: 'crash.test' });

// Invariant: a crash never makes a recipient mailed twice or lost; what was in flight at a kill
// ends `uncertain` and is not sent again; the mailing still finishes with counters that match.
it('survives SIGKILL mid-sending, three times, without a double send or a lost recipient', { timeout: 240_000 }, async () => {
  const mailingId = await activeMailing();
  /** Rows a killed worker left claimed. */
  const inFlightAtKill = new Set<number>();
  const accepted = () => bed.sink.accepted().length;

  worker = await startEngine();
  for (let kill = 0; kill < KILLS; kill++) {
    const target = accepted() + PER_ROUND;
    await bed.sink.waitFor((events) => events.filter((e) => e.type === 'accepted').length >= target, 30_000).catch((err: Error) => {
      throw new Error(`before kill ${kill + 1}, ${accepted()} accepted: ${err.message.split('\n')[0]}\nworker output:\n${worker!.output()}\njobs:\n${bed.jobs.psql('select name, data, locked_at, next_run_at from agenda_jobs')}`);
    });
    // Kill while a claim is open: the sink holds its answer for 3 s so the kill lands mid-send
    // even on a loaded machine, then goes back to its normal pace.
    await bed.sink.setRules({ delayMs: 3_000 });
    await vi.waitFor(async () => expect((await sendingIds(mailingId)).length).toBeGreaterThan(0), { timeout: 30_000, interval: 5 });
    await worker.kill();
    // A statement the worker had already sent still commits after it dies (the next row is
    // marked started while the current one is on the wire): wait until MariaDB has finished it.
    await vi.waitFor(async () => expect(await statementsRunning()).toBe(0), { timeout: 30_000, interval: 20 });
    for (const id of await sendingIds(mailingId)) inFlightAtKill.add(id);
    await bed.sink.setRules({ delayMs: 150 });
    worker = await startEngine();
  }
  expect(inFlightAtKill.size).toBeGreaterThan(0);

  await vi.waitFor(
    async () => {
      const m = await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
      expect(m.status, `worker output:\n${worker!.output()}`).toBe('done');
    },
    { timeout: 120_000, interval: 200 },
  );

  const rows = await ledger(mailingId);
  const mails = bed.sink.accepted();
  const counts = bed.sink.acceptedCountsByRecipient();
  // Never twice.
  expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
  // None lost: one row per company, each ended sent or uncertain, every sent one in the bed.sink.
  expect(new Set(rows.map((r) => r.email)).size).toBe(COMPANIES);
  expect(rows.filter((r) => r.state !== 'sent' && r.state !== 'uncertain')).toEqual([]);
  const sent = rows.filter((r) => r.state === 'sent');
  for (const r of sent) expect(mails.find((m) => m.to.includes(r.email))?.messageId).toBe(r.messageId);
  expect(mails.length).toBeGreaterThanOrEqual(sent.length);
  expect(mails.flatMap((m) => m.to).filter((to) => !rows.some((r) => r.email === to))).toEqual([]);

  // Uncertain = exactly what a dead worker had in flight. The sink may or may not have it (the
  // server can accept as the client dies, even just after), but only the one message of that
  // claim: a resend would have been a new claim with a new Message-ID.
  const uncertain = rows.filter((r) => r.state === 'uncertain');
  expect(uncertain.map((r) => r.id).sort((a, b) => a - b)).toEqual([...inFlightAtKill].sort((a, b) => a - b));
  for (const r of uncertain) {
    const mail = mails.find((m) => m.to.includes(r.email));
    if (mail) expect(mail.messageId).toBe(r.messageId);
  }

  const m = await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
  expect({ total: m.total, sent: m.sentCount, uncertain: m.uncertainCount, failed: m.failedCount, skipped: m.skippedCount }).toEqual({
    total: COMPANIES, sent: sent.length, uncertain: uncertain.length, failed: 0, skipped: 0,
  });
});
