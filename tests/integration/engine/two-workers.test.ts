import { expect, it, vi } from 'vitest';
import type { SinkEvent } from '../../support/smtp-sink/index.js';
import { activeMailingOnSink } from '../../support/engine.js';
import { workerTestbed } from '../../support/worker-testbed.js';
import { MailingRecipientSchema, MailingSchema, UserSchema } from '../../../server/db/entities/index.js';

/** Two engine worker processes on one MariaDB database and one Postgres job store. */

const COMPANIES = 100;

const bed = workerTestbed({ delayMs: 20 });

// Nothing crashes here, so the lease only has to outlast a send on a loaded machine. One account
// at a time per worker: an account whose server stalls keeps its worker busy, and the other
// account's job can only be taken by the other worker.
const startEngine = () => bed.startWorker({ SEND_ACCOUNTS_PER_WORKER: '1' });

const activeMailing = () => activeMailingOnSink(bed.t, bed.sink.port, { users: ['two-a@s.test', 'two-b@s.test'], companies: COMPANIES, domain: 'two.test' });

/** The worker (host:process) part of a run's claim. */
const workerOf = (claim: string | null | undefined) => claim?.split(':').slice(0, 2).join(':') ?? null;

// Invariant: several bed.workers on one database and job store deliver a mailing exactly once, both
// sending: agenda's locks and the ledger's guarded claims see that no recipient is mailed twice.
it('delivers every recipient exactly once with two worker processes, both sending', { timeout: 240_000 }, async () => {
  // The first message of each account (dealt round-robin: c0 and c1) is held by the server until
  // both are on the wire, so each worker is seen holding one account at the same time.
  await bed.sink.setRules({ holdData: ['c0@two.test', 'c1@two.test'] });
  const mailingId = await activeMailing();
  const first = await startEngine();
  // One after another (STACK.md): the second starts once the first has made the job store's schema
  // and scheduled its reconcile job.
  await vi.waitFor(() => expect(bed.jobs.psql("select count(*) from agenda_jobs where name = 'reconcile'").trim(), first.output()).toBe('1'), { timeout: 60_000, interval: 100 });
  const second = await startEngine();

  const output = () => bed.workers.map((w, i) => `worker ${i + 1}:\n${w.output()}`).join('\n');
  const held = (events: SinkEvent[]) => new Set(events.filter((e) => e.type === 'held').map((e) => (e as { user: string | null }).user));
  await bed.sink.waitFor((events) => held(events).size === 2, 60_000);
  await bed.sink.setRules({ holdData: [] });
  await vi.waitFor(
    async () => {
      const m = await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
      expect(m.status, output()).toBe('done');
    },
    { timeout: 120_000, interval: 200 },
  );

  const rows = await bed.t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId });
  const counts = bed.sink.acceptedCountsByRecipient();
  expect(rows).toHaveLength(COMPANIES);
  expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
  expect(counts.size).toBe(COMPANIES);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  // Both bed.workers sent, as the recipients API shows operators.
  expect(new Set(rows.map((r) => workerOf(r.claimedBy))).size).toBe(2);
  const owner = await bed.t.services.orm.em.fork().findOneOrFail(UserSchema, { id: (await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId })).owner.id });
  const api = await (await bed.t.signIn(owner.email)).get(`/api/mailings/${mailingId}/recipients?pageSize=100`);
  expect(api.status, api.text).toBe(200);
  const shown = api.body.items as { email: string; claimedBy: string | null }[];
  expect(shown).toHaveLength(COMPANIES);
  expect(new Set(shown.map((r) => workerOf(r.claimedBy)))).toEqual(new Set(rows.map((r) => workerOf(r.claimedBy))));
  const m = await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
  expect({ sent: m.sentCount, failed: m.failedCount, uncertain: m.uncertainCount, skipped: m.skippedCount }).toEqual({ sent: COMPANIES, failed: 0, uncertain: 0, skipped: 0 });
  // Both bed.workers are still up: neither died on the other's locks or schema.
  for (const w of [first, second]) expect(w.child.exitCode ?? w.child.signalCode, output()).toBeNull();
});
