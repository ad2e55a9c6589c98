import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { scratchJobStore, startWorker, TEST_SECRET_KEY, type MailroomProcess } from '../../support/server-process.js';
import { activeMailingOnSink, alwaysOpen } from '../../support/engine.js';
import { SecretBox } from '../../../server/security/secret-box.js';
import { loadSecretKey } from '../../../server/security/secret-key.js';
import { MailingRecipientSchema, MailingSchema } from '../../../server/db/entities/index.js';

/** Two engine worker processes on one MariaDB database and one Postgres job store. */

const COMPANIES = 100;

let t: TestApp;
let sink: SmtpSink;
let jobs: ReturnType<typeof scratchJobStore> | undefined;
const workers: MailroomProcess[] = [];

beforeAll(async () => {
  jobs = scratchJobStore();
  // The test seals the accounts' SMTP passwords with the key the worker processes open them with.
  const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
  // Settled, so afterAll can stop whichever started when the other did not.
  const started = await Promise.allSettled([initTestApp({ services: { secrets } }).then((app) => (t = app)), startSmtpSink({ rules: { delayMs: 20 } }).then((s) => (sink = s))]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  await alwaysOpen(t);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await sink?.stop();
  await t?.close();
  jobs?.drop();
});

// Nothing crashes here, so the lease only has to outlast a send on a loaded machine.
async function startEngine() {
  const worker = await startWorker({
    databaseUrl: (t.services.config.database as { url: string }).url,
    env: { JOBS_URL: jobs!.url, MAIL_SINK: 'off', DEMO_DATA: 'off', SEND_LEASE_SECONDS: '30', RECONCILE_SECONDS: '1', JOBS_POLL_SECONDS: '0.2' },
  });
  workers.push(worker);
  return worker;
}

const activeMailing = () => activeMailingOnSink(t, sink.port, { users: ['two-a@s.test', 'two-b@s.test', 'two-c@s.test'], companies: COMPANIES, domain: 'two.test' });

// Invariant: several workers on one database and job store deliver a mailing exactly once:
// agenda's locks and the ledger's guarded claims see that no recipient is mailed twice.
it('delivers every recipient exactly once with two worker processes', { timeout: 240_000 }, async () => {
  const mailingId = await activeMailing();
  const first = await startEngine();
  // One after another (STACK.md): the second starts once the first has made the job store's schema
  // and scheduled its reconcile job.
  await vi.waitFor(() => expect(jobs!.psql("select count(*) from agenda_jobs where name = 'reconcile'").trim(), first.output()).toBe('1'), { timeout: 60_000, interval: 100 });
  const second = await startEngine();

  const output = () => workers.map((w, i) => `worker ${i + 1}:\n${w.output()}`).join('\n');
  await vi.waitFor(
    async () => {
      const m = await t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
      expect(m.status, output()).toBe('done');
    },
    { timeout: 120_000, interval: 200 },
  );

  const rows = await t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId });
  const counts = sink.acceptedCountsByRecipient();
  expect(rows).toHaveLength(COMPANIES);
  expect(rows.filter((r) => r.state !== 'sent')).toEqual([]);
  expect(counts.size).toBe(COMPANIES);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  const m = await t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId });
  expect({ sent: m.sentCount, failed: m.failedCount, uncertain: m.uncertainCount, skipped: m.skippedCount }).toEqual({ sent: COMPANIES, failed: 0, uncertain: 0, skipped: 0 });
  // Both workers are still up: neither died on the other's locks or schema.
  for (const w of [first, second]) expect(w.child.exitCode ?? w.child.signalCode, output()).toBeNull();
});
