import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scratchDatabase } from './databases.js';

export const DEMO_TEST_PASSWORD = 'demo-password-for-tests';

export interface ServerProcess {
  url: string;
  password: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '../..');

/**
 * The real server (`tsx server/main.ts`) as a child process on a scratch MariaDB database and a
 * temporary data folder, with demo data. Resolves once it prints the URL it listens on.
 */
export async function startServer(opts: { env?: Record<string, string>; args?: string[]; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const db = await scratchDatabase('mysql');
  if (db.target.kind !== 'mysql') throw new Error('unreachable');
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-srv-'));
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...(opts.args ?? [])], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.target.url,
      DATA_DIR: dataDir,
      PORT: '0',
      MAIL_SINK_PORT: '0',
      DEMO_PASSWORD: DEMO_TEST_PASSWORD,
      SECRET_KEY: 'browser-tests-secret-key',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((ok) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          ok();
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
    await db.drop();
  };

  try {
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start in time:\n${out}`)), opts.timeoutMs ?? 60_000);
      const check = () => {
        const m = /running at (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited with ${code}:\n${out}`));
      });
    });
    return { url, password: DEMO_TEST_PASSWORD, dataDir, child, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
