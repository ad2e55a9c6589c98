import { expect, it, vi } from 'vitest';
import { activeMailingOnSink } from '../../support/engine.js';
import { workerTestbed } from '../../support/worker-testbed.js';
import { MailingSchema } from '../../../server/db/entities/index.js';

/** Two worker processes; the SMTP server stalls its reply for longer than the account job's lock. */

const COMPANIES = 6;

const bed = workerTestbed();

/** The account job's lock (taken or renewed) and the start of its last run, in seconds; null when none. */
const job = () => {
  const [lockedAt, lastRunAt] = bed.jobs.psql("select extract(epoch from locked_at), extract(epoch from last_run_at) from agenda_jobs where name = 'send-account'").trim().split('|');
  return { lockedAt: lockedAt ? Number(lockedAt) : null, lastRunAt: lastRunAt ? Number(lastRunAt) : null };
};

// Invariant: a run renews its account's lock while an SMTP transaction is in flight, so agenda
// never starts a second run of the account beside a stalled one; and whatever the stalled send
// comes to, every recipient gets the mailing once.
it('keeps one run per account while its server stalls past the lock, and sends everyone once', { timeout: 240_000 }, async () => {
  // The lock lasts two leases: 4 s here, renewed every second by a live run.
  await bed.sink.setRules({ holdData: ['c0@stall.test'] });
  const mailingId = await activeMailingOnSink(bed.t, bed.sink.port, { users: ['stall-a@s.test'], companies: COMPANIES, domain: 'stall.test' });
  const start = () => bed.startWorker({ SEND_LEASE_SECONDS: '2' });
  const output = () => bed.workers.map((w, i) => `worker ${i + 1}:\n${w.output()}`).join('\n');
  await start();
  await bed.sink.waitFor((events) => events.some((e) => e.type === 'held'), 60_000);
  // A second worker, ready to take the account the moment its lock runs out.
  await start();
  const first = await vi.waitFor(() => {
    const now = job();
    expect(now.lockedAt).not.toBeNull();
    return now;
  });
  // Stalled for more than twice the lock: the lock was renewed meanwhile, and the run that holds
  // it is still the first one (an expired lock would have let agenda start another).
  await vi.waitFor(() => expect(job().lockedAt).toBeGreaterThan(first.lockedAt! + 8), { timeout: 30_000, interval: 200 });
  expect(job().lastRunAt, output()).toBe(first.lastRunAt);
  // No second run of the account took the other recipients while the first stalls.
  expect(bed.sink.accepted().filter((m) => m.to[0].endsWith('@stall.test')).map((m) => m.to[0]), output()).toEqual([]);

  await bed.sink.setRules({ holdData: [] });
  await vi.waitFor(async () => expect((await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId })).status, output()).toBe('done'), { timeout: 60_000, interval: 200 });
  expect(bed.workers.map((w) => w.child.exitCode ?? w.child.signalCode), output()).toEqual([null, null]);
  const counts = bed.sink.acceptedCountsByRecipient();
  expect(Array.from({ length: COMPANIES }, (_, i) => counts.get(`c${i}@stall.test`))).toEqual(Array(COMPANIES).fill(1));
});
