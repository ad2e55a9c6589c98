import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

describe('starting the server', () => {
  // A malformed setting stops the start at once: one line naming the variable, exit code 1.
  it.each([
    ['DATABASE_URL', 'foo://x'],
    ['JOBS_URL', 'redis://localhost'],
    ['PORT', 'eighty'],
  ])('refuses %s=%s', (name, value) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, [name]: value, DATA_DIR: '/tmp/mailroom-never-created' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Configuration error: ${name} `));
  });
});
