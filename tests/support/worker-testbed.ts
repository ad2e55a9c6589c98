import { afterAll, beforeAll } from 'vitest';
import { initTestApp, type TestApp } from './test-app.js';
import { startSmtpSink, type SinkRules, type SmtpSink } from './smtp-sink/index.js';
import { scratchJobStore, startWorker, TEST_SECRET_KEY, type MailroomProcess } from './server-process.js';
import { alwaysOpen } from './engine.js';
import { SecretBox } from '../../server/security/secret-box.js';
import { loadSecretKey } from '../../server/security/secret-key.js';

export interface WorkerTestbed {
  /** The test's own app on a scratch MariaDB database, its calendar open around the clock. */
  readonly t: TestApp;
  readonly sink: SmtpSink;
  readonly jobs: ReturnType<typeof scratchJobStore>;
  /** The workers started so far, oldest first. */
  readonly workers: readonly MailroomProcess[];
  /** A worker process on the test's database and job store; `env` adds to or overrides the defaults. */
  startWorker(env?: Record<string, string>): Promise<MailroomProcess>;
}

/**
 * What an engine test with real worker processes needs, set up before the file's tests and torn
 * down after them: the app, an SMTP sink with `rules`, a scratch Postgres job store, and every
 * worker the test starts. The app seals the accounts' SMTP passwords with the key the workers
 * open them with.
 */
export function workerTestbed(rules: Partial<SinkRules> = {}): WorkerTestbed {
  let t: TestApp | undefined;
  let sink: SmtpSink | undefined;
  let jobs: ReturnType<typeof scratchJobStore> | undefined;
  const workers: MailroomProcess[] = [];

  beforeAll(async () => {
    jobs = scratchJobStore();
    const secrets = new SecretBox(loadSecretKey(TEST_SECRET_KEY, ''));
    // Settled, so afterAll can stop whichever started when the other did not.
    const started = await Promise.allSettled([initTestApp({ services: { secrets } }).then((app) => (t = app)), startSmtpSink({ rules }).then((s) => (sink = s))]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    await alwaysOpen(t!);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await sink?.stop();
    await t?.close();
    jobs?.drop();
  });

  return {
    get t() {
      return t!;
    },
    get sink() {
      return sink!;
    },
    get jobs() {
      return jobs!;
    },
    workers,
    async startWorker(env = {}) {
      const worker = await startWorker({
        databaseUrl: (t!.services.config.database as { url: string }).url,
        env: { JOBS_URL: jobs!.url, MAIL_SINK: 'off', DEMO_DATA: 'off', SEND_LEASE_SECONDS: '30', RECONCILE_SECONDS: '1', JOBS_POLL_SECONDS: '0.2', ...env },
      });
      workers.push(worker);
      return worker;
    },
  };
}
