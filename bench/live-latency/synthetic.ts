import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { boot } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { ledgerRepository } from '../../server/db/repositories/ledger.repository.js';
import { knexOf } from '../../server/db/knex.js';
import { MailingSchema } from '../../server/db/entities/index.js';
import { scratchDatabase } from '../../tests/support/databases.js';
import { TEST_SECRET_KEY } from '../../tests/support/server-process.js';
import { seedCompanies, seedSender } from '../lib/fixtures.js';
import { round } from '../lib/stats.js';
import { startClients, type RoundResult } from './clients.js';
import { createWatchedMailing, seedWatchers, TABS } from './people.js';
import { signIn } from '../lib/api.js';

/** The engine records and reports its sends in batches of up to 20 (engine/scheduler.ts, MAX_BURST). */
const BATCH = 20;

/**
 * The hub at a set rate, above what the engine sends today: the server without the engine
 * (`--role web`, on MariaDB, in this process) while a driver records sends the way the engine does
 * (one ledger statement per batch of 20, then one `recipient.sent` event per recipient) at `rate` a
 * second. The same 200 sockets of 40 people watch. No SMTP is involved.
 */
export async function hubAtRate(opts: { rate: number; seconds: number }): Promise<RoundResult> {
  const db = await scratchDatabase('mysql');
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-live-bench-'));
  const config = { ...loadConfig({ DATA_DIR: dataDir, PORT: '0', MAIL_SINK: 'off', DEMO_DATA: 'off', SECRET_KEY: TEST_SECRET_KEY }, ['--role', 'web']), database: db.target };
  const running = await boot(config, () => {});
  let clients: Awaited<ReturnType<typeof startClients>> | null = null;
  try {
    const { orm, secrets, events } = running.services;
    const url = running.url!;
    const sender = await seedSender(orm, secrets, { sinkPort: 9, accounts: 4 });
    await seedCompanies(orm, sender, Math.ceil((opts.rate * opts.seconds) / BATCH) * BATCH, 'bench.test');
    const people = [sender.ownerEmail, ...(await seedWatchers(orm, sender))];
    const sessions = await Promise.all(people.map((email) => signIn(url, email)));
    const mailingId = await createWatchedMailing(url, sessions[0], sender);
    // Claimed, as the engine's rows are when they are sent.
    const knex = knexOf(orm.em.fork());
    await knex('mailing_recipients').where({ mailing_id: mailingId }).update({ state: 'sending', claimed_by: 'bench' });
    const rows = await knex('mailing_recipients').where({ mailing_id: mailingId }).orderBy('id').select('id', 'email', 'account_id');
    clients = await startClients({ url, cookies: Array.from({ length: people.length * TABS }, (_, i) => sessions[i % people.length].cookie), mailingId });

    clients.start();
    const started = Date.now();
    const base = { mailingId, departmentId: sender.departmentId, ownerId: sender.ownerId };
    for (let from = 0; from < rows.length; from += BATCH) {
      const wait = started + (from / opts.rate) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      const batch = rows.slice(from, from + BATCH);
      const recorded = new Set(await ledgerRepository.finishSent(orm.em.fork(), mailingId, 'bench', batch.map((r) => ({ id: Number(r.id), reply: '250 OK' })), new Date()));
      const at = new Date().toISOString();
      for (const r of batch) {
        if (recorded.has(Number(r.id))) events.emit({ type: 'recipient.sent', ...base, accountId: Number(r.account_id), rowId: Number(r.id), email: r.email, messageId: `<${r.id}@bench.test>`, at });
      }
    }
    const sentFor = (Date.now() - started) / 1000;
    await sleep(1500);
    const m = await orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
    const report = await clients.finish({ status: m.status, total: m.total, sent: m.sentCount, failed: m.failedCount });
    return { variant: 'hub', ...report, seconds: round((Date.now() - started) / 1000, 1), eventsPerSecond: round(m.sentCount / sentFor) };
  } finally {
    clients?.stop();
    await running.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
