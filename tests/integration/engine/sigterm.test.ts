import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { initTestApp, type TestApp } from '../../support/test-app.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink/index.js';
import { scratchJobStore, startWorker, TEST_SECRET_KEY, type MailroomProcess } from '../../support/server-process.js';
import { activeMailingOnSink, alwaysOpen } from '../../support/engine.js';
import { SecretBox } from '../../../server/security/secret-box.js';
import { loadSecretKey } from '../../../server/security/secret-key.js';
import { MailingRecipientSchema, MailingSchema } from '../../../server/db/entities/index.js';

/** A worker process restarted with SIGTERM (a deploy) while a fast account is sending. */

const COMPANIES = 150;
const RESTARTS = 3;

let t: TestApp;
let sink: SmtpSink;
let jobs: ReturnType<typeof scratchJobStore> | undefined;
let worker: MailroomProcess | undefined;

beforeAll(async () => {
  jobs = scratchJobStore();
  const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
  // Each DATA answered after 50 ms: at every SIGTERM a message is most likely on the wire.
  const started = await Promise.allSettled([initTestApp({ services: { secrets } }).then((app) => (t = app)), startSmtpSink({ rules: { delayMs: 50 } }).then((s) => (sink = s))]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  await alwaysOpen(t);
});

afterAll(async () => {
  await worker?.kill();
  await sink?.stop();
  await t?.close();
  jobs?.drop();
});

const startEngine = () =>
  startWorker({
    databaseUrl: (t.services.config.database as { url: string }).url,
    env: { JOBS_URL: jobs!.url, MAIL_SINK: 'off', DEMO_DATA: 'off', SEND_LEASE_SECONDS: '30', RECONCILE_SECONDS: '1', JOBS_POLL_SECONDS: '0.2' },
  });

const ledger = (mailingId: number) => t.services.orm.em.fork().find(MailingRecipientSchema, { mailing: mailingId });

// Invariant: on SIGTERM a worker stops claiming, finishes the message on the wire, gives back
// what it had claimed and exits; so a restart under load leaves nothing in flight and nothing
// uncertain, and every recipient still gets the mailing exactly once.
it('leaves no recipient in flight or uncertain when a worker is restarted with SIGTERM under load', { timeout: 240_000 }, async () => {
  const mailingId = await activeMailingOnSink(t, sink.port, { users: ['term-a@s.test'], companies: COMPANIES, domain: 'term.test' });
  const accepted = () => sink.accepted().filter((m) => m.to[0].endsWith('@term.test')).length;
  const leftInFlight: string[] = [];

  worker = await startEngine();
  for (let restart = 0; restart < RESTARTS; restart++) {
    const target = accepted() + 20;
    await sink.waitFor(() => accepted() >= target, 60_000);
    await worker.stop();
    // The worker has exited: whatever it still holds stays that way until someone else acts.
    expect(worker.child.exitCode, worker.output()).toBe(0);
    leftInFlight.push(...(await ledger(mailingId)).filter((r) => r.state === 'sending' || r.state === 'uncertain').map((r) => `${r.email} ${r.state}`));
    worker = await startEngine();
  }
  expect(leftInFlight).toEqual([]);

  await vi.waitFor(async () => expect((await t.services.orm.em.fork().findOneOrFail(MailingSchema, { id: mailingId })).status, worker!.output()).toBe('done'), { timeout: 120_000, interval: 200 });
  const rows = await ledger(mailingId);
  expect(rows).toHaveLength(COMPANIES);
  expect(rows.filter((r) => r.state !== 'sent').map((r) => `${r.email} ${r.state}`)).toEqual([]);
  const counts = sink.acceptedCountsByRecipient();
  expect(rows.map((r) => counts.get(r.email)).filter((n) => n !== 1)).toEqual([]);
});
