import { expect, it, vi } from 'vitest';
import type { MailroomProcess } from '../../support/server-process.js';
import { activeMailingOnSink } from '../../support/engine.js';
import { workerTestbed } from '../../support/worker-testbed.js';
import { MailingRecipientSchema, MailingSchema } from '../../../server/db/entities/index.js';

/** A worker process restarted with SIGTERM (a deploy) while a fast account is sending. */

const COMPANIES = 150;
const RESTARTS = 3;

// Each DATA answered after 50 ms: at every SIGTERM a message is most likely on the wire.
const bed = workerTestbed({ delayMs: 50 });
let worker: MailroomProcess | undefined;

const startEngine = () => bed.startWorker();

const ledger = (mailingId: number) => bed.t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId });

// Invariant: on SIGTERM a worker stops claiming, finishes the message on the wire, gives back
// what it had claimed and exits; so a restart under load leaves nothing in flight and nothing
// uncertain, and every recipient still gets the mailing exactly once.
it('leaves no recipient in flight or uncertain when a worker is restarted with SIGTERM under load', { timeout: 240_000 }, async () => {
  const mailingId = await activeMailingOnSink(bed.t, bed.sink.port, { users: ['term-a@s.test'], companies: COMPANIES, domain: 'term.test' });
  const accepted = () => bed.sink.accepted().filter((m) => m.to[0].endsWith('@term.test')).length;
  const leftInFlight: string[] = [];

  worker = await startEngine();
  for (let restart = 0; restart < RESTARTS; restart++) {
    const target = accepted() + 20;
    await bed.sink.waitFor(() => accepted() >= target, 60_000);
    await worker.stop();
    // The worker has exited: whatever it still holds stays that way until someone else acts.
    expect(worker.child.exitCode, worker.output()).toBe(0);
    leftInFlight.push(...(await ledger(mailingId)).filter((r) => r.state === 'sending' || r.state === 'uncertain').map((r) => `${r.email} ${r.state}`));
    worker = await startEngine();
  }
  expect(leftInFlight).toEqual([]);

  await vi.waitFor(async () => expect((await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId })).status, worker!.output()).toBe('done'), { timeout: 120_000, interval: 200 });
  const rows = await ledger(mailingId);
  expect(rows).toHaveLength(COMPANIES);
  expect(rows.filter((r) => r.state !== 'sent').map((r) => `${r.email} ${r.state}`)).toEqual([]);
  const counts = bed.sink.acceptedCountsByRecipient();
  expect(rows.map((r) => counts.get(r.email)).filter((n) => n !== 1)).toEqual([]);
});
