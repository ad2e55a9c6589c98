import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, type Running } from '../../server/boot.js';
import { loadConfig } from '../../server/config.js';
import { scratchDatabase } from './databases.js';
import { Factories } from './factories.js';
import { TEST_PASSWORD } from './test-app.js';

export interface WebServer {
  running: Running;
  url: string;
  factories: Factories;
  /** Signs in with TEST_PASSWORD: the session cookie and its CSRF token. */
  signIn(email: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

/**
 * The real HTTP server and live hub in this process (`boot` with `--role web`), on a scratch
 * MariaDB database, with no demo data, sink or jobs. `env` adds settings (REQUEST_TIMEOUT_SECONDS…).
 */
export async function startWebServer(env: Record<string, string> = {}): Promise<WebServer> {
  const db = await scratchDatabase('mysql');
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-web-'));
  const config = { ...loadConfig({ DATA_DIR: dataDir, PORT: '0', MAIL_SINK: 'off', DEMO_DATA: 'off', SECRET_KEY: 'web-test-secret-key-0000', ...env }, ['--role', 'web']), database: db.target };
  const running = await boot(config, () => {});
  const url = running.url!;
  return {
    running,
    url,
    factories: new Factories(running.services.orm, running.services.secrets, TEST_PASSWORD),
    async signIn(email) {
      const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
      if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
      return { cookie: res.headers.get('set-cookie')!.split(';')[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
    },
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    },
  };
}
