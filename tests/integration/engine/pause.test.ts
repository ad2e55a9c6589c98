import { expect, it, vi } from 'vitest';
import { activeMailingOnSink } from '../../support/engine.js';
import { workerTestbed } from '../../support/worker-testbed.js';
import { MailingRecipientSchema, MailingSchema, UserSchema } from '../../../server/db/entities/index.js';

/**
 * A fast account sending through a real worker process while a user pauses the mailing through
 * the HTTP API of another process: the pause must be seen before the next message starts.
 */

const COMPANIES = 150;
const ROUNDS = 3;

// A short DATA delay: the account sends several messages a second, each briefly in flight.
const bed = workerTestbed({ delayMs: 20 });

const ledger = (mailingId: number) => bed.t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId });

// Invariant: pause is seen before each message starts, across processes: once the pause request
// has returned, no message that had not started yet reaches the server.
it('sends no message that had not started when the pause request returned', { timeout: 240_000 }, async () => {
  const mailingId = await activeMailingOnSink(bed.t, bed.sink.port, { users: ['pause-a@s.test'], companies: COMPANIES, domain: 'pause.test' });
  const em = bed.t.services.orm.em.fork();
  const mailing = await em.findOneOrFail(MailingSchema, { id: mailingId });
  const client = await bed.t.signIn((await em.findOneOrFail(UserSchema, { id: mailing.owner.id })).email);
  await bed.startWorker();
  const accepted = () => bed.sink.accepted().filter((m) => m.to[0].endsWith('@pause.test'));

  const afterPause: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) expect((await client.post(`/api/mailings/${mailingId}/resume`)).status).toBe(200);
    // Pause in the middle of a burst: a few more messages than last time have gone out.
    const target = accepted().length + 15;
    await bed.sink.waitFor(() => accepted().length >= target, 60_000);
    expect((await client.post(`/api/mailings/${mailingId}/pause`)).status).toBe(200);
    // What had started by then (it has its Message-ID) may still arrive; nothing else may.
    const started = new Set((await ledger(mailingId)).filter((r) => r.messageId).map((r) => r.messageId));
    // The worker has seen the pause once it holds no claim of the mailing any more.
    await vi.waitFor(async () => expect((await ledger(mailingId)).filter((r) => r.state === 'sending')).toEqual([]), { timeout: 30_000, interval: 50 });
    afterPause.push(...accepted().filter((m) => !started.has(m.messageId)).map((m) => m.to[0]));
  }
  expect(afterPause).toEqual([]);
  // The rounds did send: the pauses landed while the account was busy.
  expect(accepted().length).toBeGreaterThanOrEqual(ROUNDS * 15);
  expect((await bed.t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId })).status).toBe('paused');
});
