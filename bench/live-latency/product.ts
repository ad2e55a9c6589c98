import { setTimeout as sleep } from 'node:timers/promises';
import { initORM, type Orm } from '../../server/db/orm.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';
import { MailingSchema } from '../../server/db/entities/index.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { startServer, TEST_SECRET_KEY, type ServerProcess } from '../../tests/support/server-process.js';
import { startBenchSink } from '../lib/sink.js';
import { seedCompanies, seedSender } from '../lib/fixtures.js';
import { round } from '../lib/stats.js';
import { startClients, type FinalCounters, type RoundResult } from './clients.js';
import { createWatchedMailing, seedWatchers, TABS } from './people.js';
import { post, signIn } from '../lib/api.js';

const ACCOUNTS = 4;

async function counters(orm: Orm, id: number): Promise<FinalCounters> {
  const m = await orm.em.fork().findOneOrFail(MailingSchema, { id });
  return { status: m.status, total: m.total, sent: m.sentCount, failed: m.failedCount };
}

/**
 * The product: the real server (HTTP, live hub and engine in one process, on MariaDB) sends a
 * mailing made through the API while 200 sockets of 40 signed-in people watch it. Sending runs
 * until the mailing is done or `seconds` passed, when the sender pauses it, so the final counters
 * are still.
 */
export async function product(opts: { recipients: number; seconds: number; recordTo: string }): Promise<RoundResult> {
  const sink = await startBenchSink();
  const db = await scratchDatabase('mysql');
  if (db.target.kind !== 'mysql') throw new Error('unreachable');
  const orm = await initORM(db.target);
  let server: ServerProcess | null = null;
  let clients: Awaited<ReturnType<typeof startClients>> | null = null;
  try {
    const sender = await seedSender(orm, new SecretBox(loadSecretKey(TEST_SECRET_KEY, '')), { sinkPort: sink.port, accounts: ACCOUNTS });
    await seedCompanies(orm, sender, opts.recipients, 'bench.test');
    const people = [sender.ownerEmail, ...(await seedWatchers(orm, sender))];
    server = await startServer({ databaseUrl: db.target.url, env: { DEMO_DATA: 'off', MAIL_SINK: 'off', RECONCILE_SECONDS: '1', JOBS_POLL_SECONDS: '0.2' } });
    const url = server.url;
    const sessions = await Promise.all(people.map((email) => signIn(url, email)));
    const id = await createWatchedMailing(url, sessions[0], sender);
    clients = await startClients({ url, cookies: Array.from({ length: people.length * TABS }, (_, i) => sessions[i % people.length].cookie), mailingId: id, recordTo: opts.recordTo });

    clients.start();
    const started = Date.now();
    await post(url, sessions[0], `/api/mailings/${id}/resume`);
    let now = await counters(orm, id);
    while (now.status !== 'done' && Date.now() - started < opts.seconds * 1000) {
      await sleep(500);
      now = await counters(orm, id);
    }
    if (now.status !== 'done') await post(url, sessions[0], `/api/mailings/${id}/pause`);
    // The sends in flight when it paused finish; then the last coalesced push has time to arrive.
    for (let before = -1; now.sent !== before; await sleep(1000)) [before, now] = [now.sent, await counters(orm, id)];
    await sleep(1000);
    const final = await counters(orm, id);
    const seconds = (Date.now() - started) / 1000;
    const report = await clients.finish(final);
    const stats = await sink.stats();
    const errors = server.output().split('\n').filter((l) => l.includes('[live]'));
    if (errors.length) console.log(`the hub logged ${errors.length} errors, the first: ${errors[0]}`);
    return { variant: 'product', ...report, seconds: round(seconds, 1), eventsPerSecond: round((stats.accepted - 1) / ((stats.lastAt! - stats.firstAt!) / 1000)) };
  } finally {
    clients?.stop();
    await server?.stop();
    await orm.close();
    await sink.stop();
    await db.drop();
  }
}
