import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJobRunner, type JobRunner } from '../../server/engine/job-runner.js';
import { defineHousekeeping } from '../../server/engine/housekeeping.js';

const fast = { processEvery: 100 };

/** Resolves when the named job has run successfully once; no sleeping. */
function succeeded(runner: JobRunner, name: string): Promise<void> {
  return new Promise((resolve) => runner.agenda.once(`success:${name}`, () => resolve()));
}

async function runsPing(runner: JobRunner) {
  let runs = 0;
  runner.agenda.define('ping', async () => {
    runs++;
  });
  await runner.start();
  const done = succeeded(runner, 'ping');
  await runner.agenda.now('ping');
  await done;
  expect(runs).toBe(1);
}

describe('embedded store (PGlite behind pglite-socket)', { timeout: 30_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'mailroom-jobs-')), 'jobs'); // the runner creates the folder
  });
  afterAll(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  // Guards: a job queued with now() is picked up and run by this process.
  it('runs a job queued with now() and reports healthy', async () => {
    const runner = await createJobRunner({ kind: 'embedded', dir }, fast);
    try {
      expect(runner.backend).toBe('embedded');
      await runsPing(runner);
      expect(await runner.health()).toMatchObject({ ok: true, backend: 'embedded' });
    } finally {
      await runner.stop();
    }
  });

  // Guards: the store is persistent, so a restart keeps what was scheduled; stop() is idempotent.
  it('keeps scheduled jobs across a restart on the same folder', async () => {
    const first = await createJobRunner({ kind: 'embedded', dir }, fast);
    first.agenda.define('report', async () => {});
    await first.agenda.schedule('in 1 hour', 'report', { mailingId: 42 });
    await first.stop();
    await first.stop();
    expect(await first.health()).toMatchObject({ ok: false, detail: 'stopped' });

    const second = await createJobRunner({ kind: 'embedded', dir }, fast);
    try {
      const { jobs, total } = await second.agenda.queryJobs({ name: 'report' });
      expect(total).toBe(1);
      expect(jobs[0].data).toEqual({ mailingId: 42 });
      expect(new Date(jobs[0].nextRunAt!).getTime()).toBeGreaterThan(Date.now());
    } finally {
      await second.stop();
    }
  });

  // Guards: every process defines housekeeping at start, yet only one schedule exists, and it runs the injected work.
  it('schedules housekeeping once, however often it is defined', async () => {
    const runner = await createJobRunner({ kind: 'embedded', dir }, fast);
    try {
      let cleanups = 0;
      const work = async () => {
        cleanups++;
      };
      await defineHousekeeping(runner, work);
      await defineHousekeeping(runner, work);
      const { jobs, total } = await runner.agenda.queryJobs({ name: 'housekeeping' });
      expect(total).toBe(1);
      expect(jobs[0].repeatInterval).toBe('5 minutes');

      const done = succeeded(runner, 'housekeeping');
      await runner.start(); // a new every() job is due at once
      await done;
      expect(cleanups).toBe(1);
    } finally {
      await runner.stop();
    }
  });
});

describe('postgres backend (local PostgreSQL)', { timeout: 20_000 }, () => {
  const user = process.env.PGUSER ?? 'postgres';
  const database = `mailroom_jobs_${process.pid}_${Date.now()}`;
  const url = `postgres://${user}@127.0.0.1:5432/${database}`;
  const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-U', user, '-d', 'test', '-v', 'ON_ERROR_STOP=1', '-qc', sql]);

  beforeAll(() => psql(`CREATE DATABASE ${database}`));
  afterAll(() => psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

  // Guards: web and worker processes starting together on a fresh database both get a runner
  // (the backend's CREATE … IF NOT EXISTS races; STACK.md). Runs first, while the database is empty.
  it('connects several runners started at the same moment on a fresh database', async () => {
    const runners = await Promise.all([1, 2, 3].map(() => createJobRunner({ kind: 'postgres', url }, fast)));
    try {
      expect((await Promise.all(runners.map((r) => r.health()))).map((h) => h.ok)).toEqual([true, true, true]);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
  });

  // Guards: the production-style Postgres store runs jobs and reports health.
  it('runs a job queued with now() and reports healthy', async () => {
    const runner = await createJobRunner({ kind: 'postgres', url }, { ...fast, name: 'test-worker' });
    try {
      expect(runner.backend).toBe('postgres');
      await runsPing(runner);
      const health = await runner.health();
      expect(health).toMatchObject({ ok: true, backend: 'postgres' });
      expect(health.detail).toContain(database);
    } finally {
      await runner.stop();
    }
  });

  // Guards: a Postgres restart drops agenda's idle connections; pg reports it as an 'error' event,
  // which must be logged, not end the process, and the runner must work again afterwards.
  it('survives the server dropping its connections', { timeout: 60_000 }, async () => {
    const runner = await createJobRunner({ kind: 'postgres', url }, fast);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await runner.start(); // opens the LISTEN connection too
      psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
      // Generous waits: on a loaded two-core machine the drop is noticed late.
      await vi.waitFor(() => expect(logged).toHaveBeenCalled(), { timeout: 15_000 });
      await vi.waitFor(async () => expect((await runner.health()).ok).toBe(true), { timeout: 15_000 });
    } finally {
      logged.mockRestore();
      await runner.stop();
    }
  });
});

describe('unreachable store', { timeout: 20_000 }, () => {
  // Guards: a store that refuses the connection makes createJobRunner reject (agenda's own
  // connect() would leave an unhandled rejection instead).
  it.each([
    { kind: 'postgres' as const, url: 'postgres://postgres@127.0.0.1:1/none' },
    { kind: 'mongodb' as const, url: 'mongodb://127.0.0.1:1/none?serverSelectionTimeoutMS=300' },
  ])('rejects for $kind', async (target) => {
    await expect(createJobRunner(target, fast)).rejects.toThrow();
  });
});
