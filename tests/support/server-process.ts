import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scratchDatabase } from './databases.js';

export const DEMO_TEST_PASSWORD = 'demo-password-for-tests';
/** The SECRET_KEY the processes run with, so a test can seal SMTP passwords they can open. */
export const TEST_SECRET_KEY = 'browser-tests-secret-key';

export interface ProcessOptions {
  env?: Record<string, string>;
  args?: string[];
  /** Run on this DATABASE_URL, which stop() leaves in place, instead of on a scratch MariaDB database. */
  databaseUrl?: string;
}

/** One `tsx server/main.ts` process. */
export interface MailroomProcess {
  dataDir: string;
  /** The MariaDB database it runs on, for another process (or a test) to share. */
  databaseUrl: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Ends it with SIGKILL, as a crash would (no shutdown code runs), then cleans up as stop() does. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerProcess extends MailroomProcess {
  url: string;
  password: string;
}

const root = resolve(import.meta.dirname, '../..');

async function spawnMailroom(opts: ProcessOptions): Promise<MailroomProcess> {
  const db = opts.databaseUrl ? null : await scratchDatabase('mysql');
  if (db && db.target.kind !== 'mysql') throw new Error('unreachable');
  const databaseUrl = opts.databaseUrl ?? (db!.target as { url: string }).url;
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-srv-'));
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...(opts.args ?? [])], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: '0',
      MAIL_SINK_PORT: '0',
      DEMO_PASSWORD: DEMO_TEST_PASSWORD,
      SECRET_KEY: TEST_SECRET_KEY,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  // A process killed by a signal has a signalCode and no exitCode.
  const alive = () => child.exitCode === null && child.signalCode === null;

  const end = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (alive()) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  };
  return { dataDir, databaseUrl, child, output: () => out, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

/**
 * The real server (`tsx server/main.ts`) as a child process on a scratch MariaDB database (or the
 * given one) and a temporary data folder, with demo data unless DEMO_DATA=off. Resolves once it
 * prints the URL it listens on.
 */
export async function startServer(opts: ProcessOptions & { timeoutMs?: number } = {}): Promise<ServerProcess> {
  const proc = await spawnMailroom(opts);
  const { child } = proc;
  try {
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start in time:\n${proc.output()}`)), opts.timeoutMs ?? 150_000);
      const check = () => {
        const m = /running at (http:\/\/\S+)/.exec(proc.output());
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited with ${code}:\n${proc.output()}`));
      });
    });
    return { ...proc, url, password: DEMO_TEST_PASSWORD };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

/**
 * A `--role worker` process (agenda and the engine, no HTTP). It prints nothing when ready, so
 * this returns as soon as it runs; the caller waits for what the worker does.
 */
export async function startWorker(opts: ProcessOptions = {}): Promise<MailroomProcess> {
  const proc = await spawnMailroom({ ...opts, args: ['--role', 'worker', ...(opts.args ?? [])] });
  if (proc.child.pid === undefined) {
    await proc.stop();
    throw new Error('the worker process could not be spawned');
  }
  return proc;
}

/**
 * A scratch database on the local PostgreSQL for agenda's Postgres backend (JOBS_URL), which
 * several processes can share, unlike the embedded store. `drop()` removes it, connections and all.
 */
export function scratchJobStore(): { url: string; psql(sql: string): string; drop(): void } {
  const user = process.env.PGUSER ?? 'postgres';
  const database = `mailroom_jobs_${process.pid}_${Date.now()}`;
  const psql = (sql: string, db = 'test') =>
    execFileSync('psql', ['-h', '127.0.0.1', '-U', user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8', stdio: 'pipe' });
  psql(`CREATE DATABASE ${database}`);
  return {
    url: `postgres://${user}@127.0.0.1:5432/${database}`,
    psql: (sql) => psql(sql, database),
    drop: () => void psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
  };
}
