// The product: readInbox over the real IMAP reader and classifier, on a scratch MariaDB seeded
// with the ledger the mailbox answers; afterwards every answer must have left its mark.
import { initORM } from '../../server/db/orm.js';
import { knexOf } from '../../server/db/knex.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';
import { engineContext } from '../../server/engine/index.js';
import { readInbox, type IntakeContext } from '../../server/engine/intake.js';
import { imapMailboxes } from '../../server/mail/imap-mailbox.js';
import { classifyMessage } from '../../server/mail/feedback/classify.js';
import { TransportPool } from '../../server/mail/transport.js';
import type { DomainEvent } from '../../server/domain/events.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { TEST_SECRET_KEY } from '../../tests/support/server-process.js';
import { onInterrupt } from '../lib/interrupt.js';
import { sampleMemory, summarizeMemory } from './memory.js';
import { planMailbox, type PlannedKind } from './plan.js';
import { seedIntake } from './seed.js';
import { Stages } from './stages.js';
import type { RoundResult } from './results.js';

export async function intake(port: number, count: number, anchor: number): Promise<RoundResult> {
  const db = await scratchDatabase('mysql');
  if (db.target.kind !== 'mysql') throw new Error('unreachable');
  const transport = new TransportPool({ timeoutMs: 5_000 });
  const uninterrupted = onInterrupt(() => db.drop());
  try {
    const orm = await initORM(db.target);
    try {
      const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
      const started = performance.now();
      const fixture = await seedIntake(orm, secrets, { anchor, imapPort: port });
      console.log(`seeded ${fixture.sent} sent ledger rows over ${fixture.mailingIds.length} mailings in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      // Events go where the live hub would take them; the bench only notes when the breaker trips.
      const stages = new Stages();
      let breakerAt: number | null = null;
      const events = { emit: (e: DomainEvent) => void (e.type === 'account.health' && e.accountId === fixture.accountId && (breakerAt ??= stages.messages)) };
      const engine = engineContext({ orm, secrets, transport, events, now: () => new Date(), wallClock: Date.now, random: Math.random, leaseMs: 300_000 });
      const ctx: IntakeContext = {
        ...engine,
        ledger: stages.ledger(engine.ledger),
        mailboxes: stages.mailboxes(imapMailboxes),
        classify: stages.classify(classifyMessage),
      };
      const memory = sampleMemory(() => stages.messages);
      const begun = performance.now();
      // A run as the inbox's job gives it (4 minutes, far more than the mailbox takes), told to stop
      // once a FETCH finds nothing left instead of waiting for new mail; should it end with more to
      // read, the job would come back at once, and so does the loop.
      const result = { read: 0, acted: 0, health: 'unknown' };
      for (let more = true; more; ) {
        const run = await readInbox(ctx, fixture.inboxId, { deadline: Date.now() + 4 * 60_000, stopping: () => stages.readThrough });
        if (!run) throw new Error('the inbox is gone');
        Object.assign(result, { read: result.read + run.read, acted: result.acted + run.acted, health: run.health });
        more = run.more;
      }
      const wallMs = performance.now() - begun;
      const record = memory.stop();
      const seconds = (wallMs - record.collectingMs) / 1000;

      await check(orm, count, result);
      return {
        variant: 'intake', messages: result.read, seconds, perSecond: result.read / seconds, memory: summarizeMemory(record),
        stages: { fetchMs: stages.fetchMs, classifyMs: stages.classifyMs, transactionMs: stages.transactionMs }, acted: result.acted, breakerAt,
      };
    } finally {
      await orm.close();
    }
  } finally {
    uninterrupted();
    transport.closeAll();
    await db.drop();
  }
}

/** Every message read, every answer recorded once under its own kind and acted on: the writes the timing claims really happened. */
async function check(orm: Awaited<ReturnType<typeof initORM>>, count: number, result: { read: number; acted: number; health: string }) {
  const planned = new Map<PlannedKind, number>();
  for (const p of planMailbox(count)) if (p.row) planned.set(p.kind, (planned.get(p.kind) ?? 0) + 1);
  const answers = [...planned.values()].reduce((a, b) => a + b, 0);
  const knex = knexOf(orm.em.fork());
  const recorded = new Map((await knex('feedback_events').groupBy('kind').select('kind', knex.raw('count(*) as n'))).map((r: { kind: PlannedKind; n: number }) => [r.kind, Number(r.n)]));
  const wrong = [...planned].filter(([kind, n]) => recorded.get(kind) !== n);
  if (result.health !== 'ok' || result.read !== count || result.acted !== answers || wrong.length) {
    throw new Error(`read ${result.read}/${count}, acted on ${result.acted}/${answers}, health ${result.health}; feedback events by kind ${JSON.stringify(Object.fromEntries(recorded))}, planned ${JSON.stringify(Object.fromEntries(planned))}`);
  }
}
